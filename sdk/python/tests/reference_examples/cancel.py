client.outbound_calls.cancel("obc_01HXMN8ZABC123")
