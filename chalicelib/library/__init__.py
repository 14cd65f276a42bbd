"""The content library: saved captions and snippets, hashtag groups and post templates."""
