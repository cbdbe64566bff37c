"""One module per record family; each exposes `find_<family>(doc) -> list[Span]`."""
