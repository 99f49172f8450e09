"""Draws the sweep's PNG charts from its CSV files (called by `energy-sim sweep`).

usage: python3 plot_sweep.py OUT_DIR TABLE.csv [TABLE.csv ...]
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

METRICS = [
    ("loss_share_mean", "loss_share_std", "lost / sold"),
    ("satisfaction_mean", "satisfaction_std", "mean satisfaction"),
    ("purchase_price_mean", "purchase_price_std", "avg purchase price per kWh"),
]


def main():
    out_dir, paths = sys.argv[1], sys.argv[2:]
    for path in paths:
        rows = list(csv.DictReader(open(path)))
        if not rows:
            continue
        table = rows[0]["table"]
        x_key = "zones" if table == "table7" else "participants"
        fig, axes = plt.subplots(1, len(METRICS), figsize=(15, 4.2))
        for ax, (mean, std, label) in zip(axes, METRICS):
            for model, style in (("zone", "o-"), ("double_auction", "s--")):
                sel = [r for r in rows if r["model"] == model]
                xs = [int(r[x_key]) for r in sel]
                ys = [float(r[mean]) for r in sel]
                es = [float(r[std]) for r in sel]
                ax.errorbar(xs, ys, yerr=es, fmt=style, capsize=3, label=model.replace("_", " "))
            ax.set_xlabel(x_key)
            ax.set_title(label)
            ax.grid(alpha=0.3)
        axes[0].legend()
        seeds = rows[0]["seeds"]
        fig.suptitle(f"{table}: zone market vs double auction (mean ± sd over {seeds} seeds)")
        fig.tight_layout()
        out = f"{out_dir}/{table}.png"
        fig.savefig(out, dpi=110)
        print(out)


if __name__ == "__main__":
    main()
