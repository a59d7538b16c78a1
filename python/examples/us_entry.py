"""Does Russia's Article 4 pledge to North Korea change who ends up at war? The Northeast Asia
scenario with the pledge as written, and with Russia never honouring it, over the same seeds; then
`casus.compare` of the scenario with and without the whole 2024 treaty, paired run by run.

    python python/examples/us_entry.py
"""

import pandas as pd

import casus

SCENARIO = "scenarios/northeast_asia_2024.json"

a = casus.run(SCENARIO, runs=2000, seed=7)
b = casus.run(
    SCENARIO,
    runs=2000,
    seed=7,
    set={"treaties.rus_prk_2024.obligations.art4_rus.reliability": 0.0},
)

at_war = {
    arm: r.runs_by_actor.query("at_war == 1").groupby("actor").run.nunique() / 2000
    for arm, r in [("with the pledge", a), ("pledge never honoured", b)]
}
table = (pd.DataFrame(at_war).fillna(0.0) * 100).round(1)
print("P(at war), % of runs")
print(table.loc[["USA", "ROK", "JPN", "CHN", "RUS", "PRK"]].to_string())

paired = casus.compare(SCENARIO, without=["treaty:rus_prk_2024"], runs=2000, seed=7)
print()
print(paired.table[["name", "a", "b", "delta", "lo", "hi"]].to_string(index=False))
