calls = client.outbound_calls.list(status="completed", date_from="2025-06-01")
for call in calls:
    print(f"{call.to_number}: {call.status} ({call.duration_seconds}s)")
