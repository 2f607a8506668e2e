# Scheduled
call = client.outbound_calls.create(
    agent_id="agt_01HXK8Z3MNPQRS",
    to_number="+14155550199",
    scheduled_for="2025-06-17T09:00:00Z",
    max_retries=2,
    retry_delay_minutes=30,
)
