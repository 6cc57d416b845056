"""An exact model of a small case for OR-Tools CP-SAT: the optimum or a proven bound, offline.

Optional and bench-only: ``ortools`` is imported lazily and the engine never uses it. The model
takes the table count the engine chose, keeps the hard rules and the minimal missing line slots
of every round, and minimises Report.repeats; the engine's plan is given as a hint. Stronger
than the plain model: exact "together" variables with the counts every table and every member
must reach per round, the tables of one size ordered by their first member (symmetry), and the
engine's proven lower bound as a constraint.
"""

from __future__ import annotations

from itertools import combinations, pairwise


def available():
    try:
        import ortools.sat.python.cp_model  # noqa: F401
    except ImportError:
        return False
    return True


def solve(case, plan, report, seconds=60.0, workers=1, log=False):
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
    cover_vars = {}
    excess_vars = {}
    x = [[[model.new_bool_var("") for _ in range(tables)] for _ in range(rounds)] for _ in range(n)]
    for r in range(rounds):
        for m in range(n):
            model.add_exactly_one(x[m][r])
        for t in range(tables):
            model.add(sum(x[m][r][t] for m in range(n)) == caps[t])
        covered = []
        for li, members in enumerate(line_members):
            for t in range(tables):
                y = model.new_bool_var("")
                model.add(y <= sum(x[m][r][t] for m in members))
                covered.append(y)
                cover_vars[r, li, t] = y
        model.add(sum(covered) >= len(line_members) * tables - per_round_missing)
        # symmetry: tables of one size are interchangeable, so order them by their first member
        # (a member may sit at the next table of its size only if a lower member sits at this one)
        for group in (range(big), range(big, tables)):
            group = list(group)
            for previous, t in pairwise(group):
                for m in range(n):
                    model.add(x[m][r][t] <= sum(x[low][r][previous] for low in range(m)))
    # w[a, b, r, t]: a and b both at table t in round r (exact, so the counts below hold)
    together = {}
    for a, b in combinations(range(n), 2):
        for r in range(rounds):
            ws = []
            for t in range(tables):
                if (a, b) in apart:
                    model.add(x[a][r][t] + x[b][r][t] <= 1)
                    continue
                w = model.new_bool_var("")
                model.add_implication(w, x[a][r][t])
                model.add_implication(w, x[b][r][t])
                model.add_bool_or([w, x[a][r][t].Not(), x[b][r][t].Not()])
                ws.append(w)
            together[a, b, r] = ws
    for r in range(rounds):
        for t in range(tables):
            pairs = [
                together[a, b, r][t] for a, b in combinations(range(n), 2) if (a, b) not in apart
            ]
            model.add(sum(pairs) == caps[t] * (caps[t] - 1) // 2)
        for a in range(n):
            meets = [
                w
                for b in range(n)
                if b != a and tuple(sorted((a, b))) not in apart
                for w in together[min(a, b), max(a, b), r]
            ]
            model.add(sum(meets) == sum((caps[t] - 1) * x[a][r][t] for t in range(tables)))
    cost = []
    for a, b in combinations(range(n), 2):
        if (a, b) in apart:
            continue
        seated = sum(sum(together[a, b, r]) for r in range(rounds))
        if (a, b) in met:
            cost.append(seated)
        elif rounds > 1:
            e = model.new_int_var(0, rounds, "")
            model.add(e >= seated - 1)
            cost.append(e)
            excess_vars[a, b] = e
    objective = sum(cost)
    model.add(objective >= report.lower_bound)  # proven by the engine (bounds.py)
    model.minimize(objective)
    # the engine's plan as a complete hint (CP-SAT does not complete a partial one): its tables
    # are matched to the capacities by size, and within one size by their first member (the
    # symmetry breaking above)
    slot_of = {}
    for r, rnd in enumerate(plan):
        seated_tables = [sorted(index[m] for m in table) for table in rnd]
        order = sorted(range(tables), key=lambda t: (-len(seated_tables[t]), seated_tables[t][0]))
        for slot, t in enumerate(order):
            for m in seated_tables[t]:
                slot_of[m, r] = slot
    for m in range(n):
        for r in range(rounds):
            for t in range(tables):
                model.add_hint(x[m][r][t], slot_of[m, r] == t)
    for (r, li, t), y in cover_vars.items():
        model.add_hint(y, any(slot_of[m, r] == t for m in line_members[li]))
    for (a, b, r), ws in together.items():
        for t, w in enumerate(ws):
            model.add_hint(w, slot_of[a, r] == t and slot_of[b, r] == t)
    for (a, b), e in excess_vars.items():
        meetings = sum(slot_of[a, r] == slot_of[b, r] for r in range(rounds))
        model.add_hint(e, max(0, meetings - 1))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.log_search_progress = log
    # presolve may otherwise drop the hinted plan (found when the hint came out infeasible)
    solver.parameters.keep_all_feasible_solutions_in_presolve = True
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {"status": solver.status_name(status), "objective": None, "bound": None}
    return {
        "status": solver.status_name(status),
        "objective": round(solver.objective_value),
        "bound": round(solver.best_objective_bound),
    }
