"""Fit the analytic device model to the request-level simulator and report the error.

Cases: every standard preset x {read-only, copy 1:1, triad 2:1, write-only} streams, plus
random line reads. ``fit`` grid-searches the analytic constants to minimise the worst relative
error; ``calibration_report`` gives per-case errors for a given analytic model.
"""

from __future__ import annotations

from dataclasses import dataclass

from memory.cost import AnalyticDevice, SimulatedDevice
from memory.dram.presets import device_preset

CALIBRATION_DEVICES = ("ddr4-2400", "ddr5-4800", "hbm2-2000", "hbm2e-3200", "hbm3-6400",
                       "hbm3e-9200", "mcdram-knl")
STREAM_MIXES = {"read": (1, 0), "copy": (1, 1), "triad": (2, 1), "write": (0, 1)}


@dataclass(frozen=True)
class CalibrationCase:
    device: str
    case: str
    simulated: float  # bytes/s (streams) or lines/s (random)
    analytic: float

    @property
    def error(self) -> float:
        return self.analytic / self.simulated - 1.0


def simulated_rates(sample_lines: int = 40_000) -> dict[tuple[str, str], float]:
    """Simulator rates for every calibration case (a few seconds)."""
    sim = SimulatedDevice(sample_lines=sample_lines)
    rates = {}
    for name in CALIBRATION_DEVICES:
        spec = device_preset(name)
        for case, (r, w) in STREAM_MIXES.items():
            rates[name, case] = sim.stream_bandwidth(spec, r * 1000, w * 1000)
        rates[name, "random"] = sim.random_line_rate(spec)
    return rates


def calibration_report(model: AnalyticDevice, rates: dict[tuple[str, str], float]
                       ) -> list[CalibrationCase]:
    cases = []
    for (name, case), simulated in rates.items():
        spec = device_preset(name)
        if case == "random":
            analytic = model.random_line_rate(spec)
        else:
            r, w = STREAM_MIXES[case]
            analytic = model.stream_bandwidth(spec, r * 1000, w * 1000)
        cases.append(CalibrationCase(name, case, simulated, analytic))
    return cases


def fit(rates: dict[tuple[str, str], float]) -> tuple[AnalyticDevice, float]:
    """Constants minimising the worst relative error (then the mean): the turnaround scale on
    the stream cases, the random efficiency on the random ones."""
    streams = {k: v for k, v in rates.items() if k[1] != "random"}
    randoms = {k: v for k, v in rates.items() if k[1] == "random"}

    def worst(model: AnalyticDevice, subset) -> tuple[float, float]:
        errors = [abs(c.error) for c in calibration_report(model, subset)]
        return round(max(errors), 3), sum(errors) / len(errors)  # worst, then mean

    turn = min((x / 10 for x in range(0, 41)), key=lambda x: worst(AnalyticDevice(x), streams))
    rand = min((x / 100 for x in range(50, 101)),
               key=lambda x: worst(AnalyticDevice(turn, x), randoms))
    best = AnalyticDevice(turn, rand)
    return best, worst(best, rates)[0]


def main() -> None:
    """``python -m memory.calibration``: fit, then print every case's error."""
    rates = simulated_rates()
    model, worst = fit(rates)
    print(f"fitted {model}: worst error {worst:.1%}")
    for case in calibration_report(model, rates):
        print(f"  {case.device:11} {case.case:7} {case.error:+.1%}")


if __name__ == "__main__":
    main()
