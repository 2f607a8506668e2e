# Immediate
call = client.outbound_calls.create(
    agent_id="agt_01HXK8Z3MNPQRS",
    to_number="+14155550199",
    metadata={"customer_id": "cust_12345", "customer_name": "Jane Smith"},
    override_first_message="Hi Jane, this is Aria calling from Acme..."
)
