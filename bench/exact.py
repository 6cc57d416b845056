"""An exact model of a small case for OR-Tools CP-SAT: the optimum or a proven bound, offline.

Optional and bench-only: ``ortools`` is imported lazily and the engine never uses it. The model
takes the table count the engine chose, keeps the hard rules and the minimal missing line slots
of every round, and minimises Report.repeats; the engine's plan is given as a hint.
"""

from __future__ import annotations

from itertools import combinations


def available():
    try:
        import ortools.sat.python.cp_model  # noqa: F401
    except ImportError:
        return False
    return True


def solve(case, plan, report, seconds=60.0, workers=1):
    """{"status", "objective", "bound"} for the case, or None without ortools."""
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        return None
    extra = case["extra"]
    lines = case["lines"]
    absent = set(extra.get("absent", ()))
    present = [m for members in lines.values() for m in members if m not in absent]
    index = {m: i for i, m in enumerate(present)}
    line_members = [[index[m] for m in members if m in index] for members in lines.values()]
    line_members = [members for members in line_members if members]
    rounds = case["rounds"]
    tables = len(plan[0])
    n = len(present)
    base, big = divmod(n, tables)
    caps = [base + 1] * big + [base] * (tables - big)
    met = set()
    for rnd in extra.get("history", ()):
        for table in rnd:
            seated = sorted(index[m] for m in table if m in index)
            met.update(combinations(seated, 2))
    apart = set()
    for a, b in extra.get("apart", ()):
        if a in index and b in index:
            apart.add(tuple(sorted((index[a], index[b]))))
    per_round_missing = report.min_missing_line_slots // rounds

    model = cp_model.CpModel()
    x = [[[model.new_bool_var("") for _ in range(tables)] for _ in range(rounds)] for _ in range(n)]
    for r in range(rounds):
        for m in range(n):
            model.add_exactly_one(x[m][r])
        for t in range(tables):
            model.add(sum(x[m][r][t] for m in range(n)) == caps[t])
        covered = []
        for members in line_members:
            for t in range(tables):
                y = model.new_bool_var("")
                model.add(y <= sum(x[m][r][t] for m in members))
                covered.append(y)
        model.add(sum(covered) >= len(line_members) * tables - per_round_missing)
    cost = []
    for a, b in combinations(range(n), 2):
        together = []
        for r in range(rounds):
            if (a, b) in apart:
                for t in range(tables):
                    model.add(x[a][r][t] + x[b][r][t] <= 1)
                continue
            s = model.new_bool_var("")
            for t in range(tables):
                model.add(s >= x[a][r][t] + x[b][r][t] - 1)
            together.append(s)
        if not together:
            continue
        if (a, b) in met:
            cost.extend(together)
        elif len(together) > 1:
            e = model.new_int_var(0, len(together), "")
            model.add(e >= sum(together) - 1)
            cost.append(e)
    model.minimize(sum(cost))
    # the engine's plan as a hint; its tables are matched to the capacities by size
    for r, rnd in enumerate(plan):
        order = sorted(range(tables), key=lambda t: -len(rnd[t]))
        for slot, t in enumerate(order):
            for m in rnd[t]:
                model.add_hint(x[index[m]][r][slot], True)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {"status": solver.status_name(status), "objective": None, "bound": None}
    return {
        "status": solver.status_name(status),
        "objective": round(solver.objective_value),
        "bound": round(solver.best_objective_bound),
    }
