"""The load profiles of the plan (shared/seed/plan.ko.md) and how they become wrk steps.

A k6 stage ramps VUs linearly from the previous stage's count to its own over its duration. wrk
has a fixed number of connections per invocation, so a stage becomes steps, one wrk invocation
each:
  * a ramp up is cut into steps of about 30 s, each run at the count the ramp reaches at the
    END of the step (2 min 0->100: 25/50/75/100 for 30 s each), so the target count is reached;
  * a constant stage (phase4's 10 min hold, smoke) is cut into steps of about 60 s;
  * a ramp down to 0 cannot end at its end value, so its steps run at the MIDPOINT of each
    sub-interval (200->0 over 2 min: 175/125/75/25), which keeps the connection-seconds of k6's
    ramp; it is run, not skipped, because k6 evaluates its thresholds over the whole run.
--scale X multiplies every stage's duration; a step lasts at least 5 s, so a scaled stage gets
fewer steps (never shorter ones): phase1 at 0.05 runs 100 (6 s), 133/167/200 (5 s each), 100 (6 s).
"""
from dataclasses import dataclass, field, asdict
from typing import Optional

RAMP_STEP_S = 30
HOLD_STEP_S = 60
MIN_STEP_S = 5

# the mix, identical to the k6 scripts (scripts/wrk/mix.lua implements it)
MIX = {"redirect": 0.90, "link": 0.04, "stats": 0.04, "create": 0.02}
EXPECTED_STATUS = {"redirect": 302, "link": 200, "stats": 200, "create": 201}


@dataclass
class Profile:
    name: str
    stages: list                      # [(seconds, vus)]
    start_vus: int = 0
    target_vus: int = 0
    target_tps: Optional[float] = None
    p95_ms: Optional[float] = None
    p99_ms: Optional[float] = None
    error_rate: Optional[float] = None
    target_stage: int = 0             # index of the stage that reaches target_vus
    hold: str = "last60"              # "last60": last 60 s x scale of target_stage; "stage": all of it; "all"
    paced: bool = True

    @property
    def pacing_rate(self):
        """Requests per second per connection: 1.2 x target TPS / target VUs (None = unpaced)."""
        if not self.paced or not self.target_tps:
            return None
        return round(1.2 * self.target_tps / self.target_vus, 6)


PROFILES = {
    "smoke": Profile("smoke", [(60, 100)], start_vus=100, target_vus=100, error_rate=0.01,
                     target_stage=0, hold="all", paced=False),
    "phase1": Profile("phase1", [(120, 100), (300, 200), (120, 0)], target_vus=200, target_tps=1000,
                      p95_ms=100, error_rate=0.05, target_stage=1),
    "phase2": Profile("phase2", [(120, 200), (300, 500), (120, 0)], target_vus=500, target_tps=3000,
                      p95_ms=50, error_rate=0.01, target_stage=1),
    "phase3": Profile("phase3", [(120, 500), (300, 1000), (120, 0)], target_vus=1000, target_tps=5000,
                      p95_ms=30, error_rate=0.005, target_stage=1),
    "phase4": Profile("phase4", [(120, 1000), (300, 2000), (600, 2000), (120, 0)], target_vus=2000,
                      target_tps=10000, p95_ms=30, p99_ms=50, error_rate=0.001, target_stage=2, hold="stage"),
}


@dataclass
class Step:
    index: int          # 1-based over the run
    stage: int          # 0-based stage index
    kind: str           # ramp-up | hold | ramp-down
    connections: int
    seconds: int
    hold_window: bool = False

    def to_dict(self):
        return asdict(self)


def _stage_kind(prev, vus):
    return "hold" if vus == prev else ("ramp-up" if vus > prev else "ramp-down")


def plan(profile: Profile, scale: float):
    steps = []
    prev = profile.start_vus
    for si, (dur, vus) in enumerate(profile.stages):
        kind = _stage_kind(prev, vus)
        scaled = dur * scale
        nominal = max(1, round(dur / (HOLD_STEP_S if kind == "hold" else RAMP_STEP_S)))
        n = max(1, min(nominal, int(scaled // MIN_STEP_S)))
        secs = max(MIN_STEP_S, int(round(scaled / n)))
        for i in range(n):
            if kind == "ramp-down":
                c = prev + (vus - prev) * (i + 0.5) / n
            else:
                c = prev + (vus - prev) * (i + 1) / n
            steps.append(Step(len(steps) + 1, si, kind, max(1, int(round(c))), secs))
        prev = vus
    _mark_hold(profile, scale, steps)
    return steps


def _mark_hold(profile, scale, steps):
    if profile.hold == "all":
        for s in steps:
            s.hold_window = True
        return
    stage_steps = [s for s in steps if s.stage == profile.target_stage]
    if profile.hold == "stage":
        for s in stage_steps:
            s.hold_window = True
        return
    need = 60 * scale  # the last 60 s (x scale) of the stage that reaches the target
    covered = 0
    for s in reversed(stage_steps):
        s.hold_window = True
        covered += s.seconds
        if covered >= need:
            break


def describe_hold(profile):
    if profile.hold == "all":
        return "the whole run"
    if profile.hold == "stage":
        return f"all steps of stage {profile.target_stage + 1} (the hold at {profile.target_vus} VUs)"
    return (f"the last step(s) of stage {profile.target_stage + 1} (the ramp that reaches {profile.target_vus} VUs)"
            " covering its final 60 s x scale")
