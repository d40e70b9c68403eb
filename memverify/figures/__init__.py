"""Drawing only (matplotlib, imported lazily with the Agg backend); the data comes from
the library (memverify.training)."""
