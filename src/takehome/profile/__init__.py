"""The practice profile: finding, reading, checking and writing takehome.toml."""
