"""The operators' console: tenants, support access, suspension, feature flags."""
