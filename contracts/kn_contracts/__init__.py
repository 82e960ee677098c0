"""Events and topics: the only code the services share with each other."""
