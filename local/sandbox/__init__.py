"""The sandbox social networks: one local server speaking each network's real API."""
