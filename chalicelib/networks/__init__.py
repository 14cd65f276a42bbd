"""One module per social network behind one interface (`base.NetworkAdapter`), and a
registry keyed by network id (`registry.get_adapter`, `registry.all_limits`)."""
