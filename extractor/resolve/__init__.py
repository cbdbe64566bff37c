"""Steps that turn raw matches into entities: year inference, merging, name completion."""
