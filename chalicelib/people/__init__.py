"""People and tenants: sign-up and sign-in, workspaces, members, invitations, API keys."""
