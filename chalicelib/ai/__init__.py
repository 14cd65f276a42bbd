"""Writing with a model or without one: content plans' text and the composer's writing help."""
