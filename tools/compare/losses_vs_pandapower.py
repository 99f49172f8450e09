"""Checks energy-market's line-loss formula against pandapower's AC load flow.

For each case, one trade of E Wh over L metres of line in one delivery period is cleared by
the real `energy-sim clear` (zone mechanism, two zones L apart), which reports lost_wh and
delivered_wh. In our model E is what the seller injects at nominal voltage, and the buyer
receives E − lost.

The same line is modelled in pandapower as a 2-bus network: an external grid at nominal
voltage (the seller's end) feeding, through a purely resistive line (r = ρ/A per km, no
reactance, no capacitance), a load at the buyer's end. Its AC load flow's line loss
(`res_line.pl_mw` over T) is the reference, in two framings:
- like for like: the load is what we say is delivered, (E − lost) / T. If our model is
  right, pandapower loses the same energy on the line.
- receiving end: the load is E / T itself. The line must then carry E plus its losses,
  so pandapower loses more; the gap grows with the share lost.

usage: python3 losses_vs_pandapower.py ENERGY_SIM_BINARY
(needs pandapower: pip install pandapower)
"""
import json
import subprocess
import sys

import pandapower as pp

CASES = [
    # (energy Wh, length m, resistivity pΩ·m, cross-section mm², voltage V, period s)
    (100_000, 10_000, 28_200, 95, 20_000, 900),
    (1_000_000, 10_000, 28_200, 95, 20_000, 900),
    (5_000_000, 20_000, 28_200, 95, 20_000, 3_600),
    (30_000, 8_000, 28_200, 95, 20_000, 3_600),
    (50_000, 500, 16_800, 150, 400, 3_600),
    (20_000, 2_000, 28_200, 240, 400, 900),
    (2_000_000, 30_000, 16_800, 240, 10_000, 900),
]


def ours(binary, energy, length, rho, area, volts, period):
    book = {
        "mechanism": "zone",
        "orders": [
            {"id": 1, "participant": "buyer", "side": "bid", "zone": 0, "quantity_wh": energy, "price_per_kwh": 2},
            {"id": 2, "participant": "seller", "side": "offer", "zone": 1, "quantity_wh": energy, "price_per_kwh": 1},
        ],
        "zones": {
            "distances_m": [[0, length], [length, 0]],
            "max_distance_m": length,
            "line_capacity_wh": energy,
            "line": {"resistivity_pohm_m": rho, "cross_section_mm2": area, "voltage_v": volts, "period_s": period},
        },
    }
    out = subprocess.run([binary, "clear"], input=json.dumps(book), capture_output=True, text=True, check=True)
    trades = json.loads(out.stdout)["trades"]
    if not trades:
        return energy, 0
    return trades[0]["lost_wh"], trades[0]["delivered_wh"]


def pandapower_loss_wh(load_wh, length, rho, area, volts, period):
    net = pp.create_empty_network()
    kv = volts / 1000
    b0 = pp.create_bus(net, vn_kv=kv)
    b1 = pp.create_bus(net, vn_kv=kv)
    pp.create_ext_grid(net, b0, vm_pu=1.0)
    r_ohm_per_km = rho * 1e-12 / (area * 1e-6) * 1000
    pp.create_line_from_parameters(
        net, b0, b1, length_km=length / 1000, r_ohm_per_km=r_ohm_per_km,
        x_ohm_per_km=0.0, c_nf_per_km=0.0, max_i_ka=100.0)
    hours = period / 3600
    pp.create_load(net, b1, p_mw=load_wh / hours / 1e6, q_mvar=0.0)
    pp.runpp(net, init="flat")
    return net.res_line.pl_mw.iloc[0] * 1e6 * hours


def main():
    binary = sys.argv[1]
    print("| trade (sold) | line | lost: ours | lost: pandapower, like for like | diff | lost: pandapower, load = sold | diff |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    worst = 0.0
    for case in CASES:
        energy, length, rho, area, volts, period = case
        lost, delivered = ours(binary, *case)
        like = pandapower_loss_wh(delivered, *case[1:])
        recv = pandapower_loss_wh(energy, *case[1:])
        d_like = (lost - like) / like
        d_recv = (lost - recv) / recv
        # Our losses are whole Wh; judge agreement beyond that rounding.
        if abs(lost - like) > 0.5:
            worst = max(worst, abs(d_like))
        line = f"{length / 1000:g} km, {area} mm², {volts / 1000:g} kV, {period // 60} min"
        print(f"| {energy / 1000:g} kWh | {line} | {lost} Wh ({lost / energy * 100:.2f} %) | {like:.1f} Wh | {d_like * 100:+.2f} % | {recv:.1f} Wh | {d_recv * 100:+.2f} % |")
    print(f"\nlargest like-for-like difference beyond rounding to whole Wh: {worst * 100:.3f} %")


if __name__ == "__main__":
    main()
