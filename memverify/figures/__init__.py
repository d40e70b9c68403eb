"""Drawing only (matplotlib, imported lazily with the Agg backend); the data comes from
the library (memverify.training for Figures 1 and 4, memverify.flow.figures for 2 and 3)."""
