"""HTTP plumbing every service shares: app factory, auth, errors, pagination, operations."""
