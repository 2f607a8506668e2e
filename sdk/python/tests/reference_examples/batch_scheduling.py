import csv
from datetime import datetime, timedelta

BASE_TIME = datetime(2025, 6, 17, 9, 0, 0)  # 9 AM start

with open("contacts.csv") as f:
    reader = csv.DictReader(f)
    for i, row in enumerate(reader):
        scheduled = BASE_TIME + timedelta(minutes=i * 2)  # 1 call every 2 minutes
        call = client.outbound_calls.create(
            agent_id="agt_01HXK8Z3MNPQRS",
            to_number=row["phone"],
            scheduled_for=scheduled.isoformat() + "Z",
            metadata={
                "customer_id": row["id"],
                "customer_name": row["name"],
            },
        )
        print(f"Scheduled {row['phone']} for {scheduled}: {call.id}")
