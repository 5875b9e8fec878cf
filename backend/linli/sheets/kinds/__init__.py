"""One module per kind of sheet: `plan(actor, rows)`, `apply(actor, plan, now)` and
`export_rows(actor)`, each with bulk statements (a city's households are one file)."""
