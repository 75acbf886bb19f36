# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False
"""The compiled core of :mod:`fundhouse.finance.cashflows`: XIRR from Python objects.

Reading flows one Python object at a time costs more than solving them, so this module reads
(date, amount) pairs, a dict of date to amount, or a list of dates with a list of amounts
straight from the objects: exact ``date`` or ``datetime`` dates; ``float``, ``numpy.float64``,
``int`` or ``Decimal`` amounts. Anything else, or a value that is not finite, is declined (the
call returns None) and the caller takes its checked path, which names the fault. Same-day
amounts are added exactly, as Fractions, and rounded once, as on the checked path.

The series is then solved in x = ln(1 + rate), where NPV(x) = Σ a_i · exp(−x · t_i) with t_i
in years of 365 days from the first non-zero flow (shared/CONVENTIONS.md, "Cash flows and
returns": actual/365 like Excel). NPV, its slope in x and Σ|terms| are computed together, scaled
by exp(x · t_max) when x < 0 so that no exponent is positive: the scale changes neither signs
nor Newton steps. By Descartes' rule of signs for sums of exponentials (Pólya & Szegő,
"Problems and Theorems in Analysis II", part V), flows with one sign change have exactly one
root; it is bracketed in [−800, 800] and found by Newton's method kept inside the bracket
("rtsafe", Press et al., Numerical Recipes, 3rd ed., §9.4). Flows with several sign changes
take Excel's Newton iteration on the rate from the guess (Microsoft, XIRR documentation),
polished in x and accepted only at a root; failing that, a scan of the NPV over growth factors
up to e**60 across the series finds every root it can see, and the one nearest the guess wins.

Every answer is a rate (a float above −1) or the reason there is none (a str).
"""

from decimal import Decimal
from fractions import Fraction

import numpy as np

from cpython.datetime cimport import_datetime
from cpython.ref cimport PyObject
from libc.math cimport INFINITY, NAN, exp, expm1, fabs, isfinite, isnan, log, log1p
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc, qsort, realloc

cdef extern from "Python.h":
    ctypedef struct PyTypeObject:
        pass
    PyTypeObject* Py_TYPE(PyObject* o)
    bint PyFloat_CheckExact(PyObject* o)
    bint PyLong_CheckExact(PyObject* o)
    bint PyTuple_CheckExact(PyObject* o)
    bint PyList_CheckExact(PyObject* o)
    bint PyDict_CheckExact(PyObject* o)
    double PyFloat_AS_DOUBLE(PyObject* o)
    double PyLong_AsDouble(PyObject* o)
    PyObject* PyNumber_Float(PyObject* o)
    Py_ssize_t PyTuple_GET_SIZE(PyObject* o)
    PyObject* PyTuple_GET_ITEM(PyObject* o, Py_ssize_t i)
    Py_ssize_t PyList_GET_SIZE(PyObject* o)
    PyObject* PyList_GET_ITEM(PyObject* o, Py_ssize_t i)
    Py_ssize_t PyDict_GET_SIZE(PyObject* o)
    int PyDict_Next(PyObject* d, Py_ssize_t* pos, PyObject** key, PyObject** value)
    PyObject* PyErr_Occurred()
    void PyErr_Clear()
    void Py_DECREF(PyObject* o)

cdef extern from "datetime.h":
    bint PyDate_CheckExact(PyObject* o)
    bint PyDateTime_CheckExact(PyObject* o)
    int PyDateTime_GET_YEAR(PyObject* o)
    int PyDateTime_GET_MONTH(PyObject* o)
    int PyDateTime_GET_DAY(PyObject* o)

import_datetime()

NO_FLOWS = "no cash flows"
ALL_POSITIVE = "no sign change: every cash flow is positive or zero"
ALL_NEGATIVE = "no sign change: every cash flow is negative or zero"
ALL_ZERO = "no sign change: every cash flow is zero"
TOO_LARGE = "the rate is too large to represent (more than 1e308)"
TOO_CLOSE = "the rate is too close to -100% to represent"


def no_root(changes):
    """The reason flows that change sign ``changes`` times have no IRR."""
    return f"no rate makes the net present value zero (the flows change sign {changes} times)"


def exact_sum(amounts):
    """Add amounts exactly (as fractions) and round once, so same-day netting leaves no dust."""
    if len(amounts) == 1:
        return float(amounts[0])
    return float(sum([Fraction(a) for a in amounts], Fraction(0)))


cdef PyTypeObject* FLOAT64 = <PyTypeObject*>np.float64
cdef PyTypeObject* DECIMAL = <PyTypeObject*>Decimal

cdef double DAYS_PER_YEAR = 365.0
cdef double X_MIN = -800.0
"""Lower search bound on ln(1 + rate): below about -37, 1 + rate rounds to 0 in float64."""
cdef double X_MAX = 800.0
"""Upper search bound on ln(1 + rate): above about 709.78, the rate overflows float64."""
cdef double X_TOLERANCE = 1e-14
"""Convergence tolerance on ln(1 + rate), relative to max(1, |x|)."""
cdef double EXCEL_TOLERANCE = 1e-12
cdef double ROUND_OFF = 8.881784197001252e-16
"""Four ulps of 1: an NPV this small relative to Σ|terms| is zero up to rounding."""
cdef double RESIDUAL_TOLERANCE = 1e-9
"""A candidate root is accepted when |NPV| ≤ this × Σ|discounted amounts|."""
cdef double SCAN_SPAN = 60.0
"""The scan covers x · t_max in [-span, span]: growth factors up to e**60 over the series."""

cdef enum:
    MAX_ITERATIONS = 200
    EXCEL_ITERATIONS = 100
    MAX_POLISH_STEPS = 60
    SCAN_POINTS = 801
    DIP_POINTS = 257
    ON_STACK = 64

cdef enum Outcome:
    ROOT
    NOTHING
    POSITIVE
    NEGATIVE
    ZERO
    NO_ROOT
    BEYOND
    NEAR_MINUS_ONE


# --------------------------------------------------------------------------- reading


cdef struct Flow:
    int64_t day
    double amount
    PyObject* raw


cdef int64_t[13] DAYS_BEFORE_MONTH = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]


cdef inline bint read_date(PyObject* value, int64_t* day) noexcept:
    """The proleptic Gregorian ordinal of an exact ``date`` or ``datetime``, as toordinal()."""
    cdef int64_t year, month, before
    if not (PyDate_CheckExact(value) or PyDateTime_CheckExact(value)):
        return False
    year = PyDateTime_GET_YEAR(value)
    month = PyDateTime_GET_MONTH(value)
    before = year - 1
    day[0] = (
        before * 365 + before // 4 - before // 100 + before // 400
        + DAYS_BEFORE_MONTH[month]
        + (month > 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
        + PyDateTime_GET_DAY(value)
    )
    return True


cdef inline bint read_amount(PyObject* value, double* amount) noexcept:
    """A finite float, int or Decimal amount as a float; False for anything else."""
    cdef PyTypeObject* kind = Py_TYPE(value)
    cdef PyObject* converted
    cdef double result
    if PyFloat_CheckExact(value) or kind == FLOAT64:
        result = PyFloat_AS_DOUBLE(value)
    elif PyLong_CheckExact(value):
        result = PyLong_AsDouble(value)
        if result == -1.0 and PyErr_Occurred() != NULL:
            PyErr_Clear()
            return False
    elif kind == DECIMAL:
        converted = PyNumber_Float(value)
        if converted == NULL:
            PyErr_Clear()
            return False
        result = PyFloat_AS_DOUBLE(converted)
        Py_DECREF(converted)
    else:
        return False
    amount[0] = result
    return isfinite(result)


cdef inline PyObject* item_of(PyObject* sequence, Py_ssize_t i) noexcept:
    if PyList_CheckExact(sequence):
        return PyList_GET_ITEM(sequence, i)
    return PyTuple_GET_ITEM(sequence, i)


cdef inline Py_ssize_t length_of(PyObject* sequence) noexcept:
    """The length of an exact list or tuple, −1 for anything else."""
    if PyList_CheckExact(sequence):
        return PyList_GET_SIZE(sequence)
    if PyTuple_CheckExact(sequence):
        return PyTuple_GET_SIZE(sequence)
    return -1


cdef Py_ssize_t count_flows(PyObject* flows, PyObject* amounts) noexcept:
    """How many flows the input holds, or −1 if it is not in a form read here."""
    cdef Py_ssize_t n
    if amounts == NULL:
        if PyDict_CheckExact(flows):
            return PyDict_GET_SIZE(flows)
        return length_of(flows)
    n = length_of(flows)
    return n if n >= 0 and length_of(amounts) == n else -1


cdef bint read_flows(PyObject* flows, PyObject* amounts, Flow* out) noexcept:
    """Read every flow into ``out`` (sized by :func:`count_flows`); False to decline."""
    cdef Py_ssize_t i, n, position = 0
    cdef PyObject* item
    cdef PyObject* when
    cdef PyObject* amount
    if amounts != NULL:
        n = length_of(flows)
        for i in range(n):
            when = item_of(flows, i)
            amount = item_of(amounts, i)
            if not (read_date(when, &out[i].day) and read_amount(amount, &out[i].amount)):
                return False
            out[i].raw = amount
        return True
    if PyDict_CheckExact(flows):
        i = 0
        while PyDict_Next(flows, &position, &when, &amount):
            if not (read_date(when, &out[i].day) and read_amount(amount, &out[i].amount)):
                return False
            out[i].raw = amount
            i += 1
        return True
    n = length_of(flows)
    for i in range(n):
        item = item_of(flows, i)
        if PyTuple_CheckExact(item):
            if PyTuple_GET_SIZE(item) != 2:
                return False
        elif not (PyList_CheckExact(item) and PyList_GET_SIZE(item) == 2):
            return False
        when = item_of(item, 0)
        amount = item_of(item, 1)
        if not (read_date(when, &out[i].day) and read_amount(amount, &out[i].amount)):
            return False
        out[i].raw = amount
    return True


# --------------------------------------------------------------------------- netting


cdef int by_day(const void* a, const void* b) noexcept nogil:
    cdef int64_t left = (<const Flow*>a).day, right = (<const Flow*>b).day
    return (left > right) - (left < right)


cdef void sort_by_day(Flow* flows, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i, j
    cdef Flow moving
    for i in range(1, n):
        if flows[i].day < flows[i - 1].day:
            break
    else:
        return
    if n > 32:
        qsort(flows, n, sizeof(Flow), by_day)
        return
    for i in range(1, n):
        moving = flows[i]
        j = i
        while j > 0 and flows[j - 1].day > moving.day:
            flows[j] = flows[j - 1]
            j -= 1
        flows[j] = moving


cdef Py_ssize_t net_same_day(Flow* flows, Py_ssize_t n) except -1:
    """Sort by day and add each day's amounts exactly, in place; the number of days left.

    The amounts of a day are gathered into lists first, holding their own references, before
    any Python code runs to add them, so nothing read from the input can go away meanwhile.
    """
    cdef Py_ssize_t i, k, start, days = 0
    cdef list groups = None
    cdef list positions = None
    cdef list members
    sort_by_day(flows, n)
    i = 0
    while i < n:
        start = i
        i += 1
        while i < n and flows[i].day == flows[start].day:
            i += 1
        if i - start > 1:
            if groups is None:
                groups, positions = [], []
            members = []
            for k in range(start, i):
                members.append(<object>flows[k].raw)
            groups.append(members)
            positions.append(days)
        flows[days].day = flows[start].day
        flows[days].amount = flows[start].amount
        flows[days].raw = NULL
        days += 1
    if groups is not None:
        for members, day in zip(groups, positions):
            flows[<Py_ssize_t>day].amount = exact_sum(members)
    return days


# --------------------------------------------------------------------------- solving


cdef struct Series:
    Py_ssize_t n
    double t_max
    double* t
    double* a
    double* at
    double* magnitude


cdef inline void evaluate(
    const Series* s, double x, double* npv, double* slope, double* total
) noexcept nogil:
    """NPV, its slope in x and Σ|terms| at x, all scaled by one positive factor."""
    cdef double shift = x * s.t_max if x < 0.0 else 0.0
    cdef double e, p = 0.0, q = 0.0, m = 0.0
    cdef Py_ssize_t i
    for i in range(s.n):
        e = exp(shift - x * s.t[i])
        p += s.a[i] * e
        q += s.at[i] * e
        m += s.magnitude[i] * e
    npv[0] = p
    slope[0] = q
    total[0] = m


cdef inline double sign_of(double value) noexcept nogil:
    return (value > 0.0) - (value < 0.0)


cdef double bracketed(
    const Series* s, double lo, double hi, double sign, double x, double* residual
) noexcept nogil:
    """The root in [lo, hi], where sign · NPV is positive at lo and negative at hi: Newton's
    method kept inside the bracket, bisecting whenever a step would leave it or fails to halve
    the step before last (rtsafe, Numerical Recipes §9.4).

    It ends at the point last evaluated, once the NPV there is zero up to rounding, the next
    step is within tolerance or the bracket is that narrow; ``residual`` is |NPV| / Σ|terms|
    there.
    """
    cdef double npv, slope, total, g, newton, following, tolerance
    cdef double step = hi - lo, step_before = hi - lo
    cdef int k
    for k in range(MAX_ITERATIONS):
        evaluate(s, x, &npv, &slope, &total)
        residual[0] = fabs(npv) / total
        g = sign * npv
        if g > 0.0:
            lo = x
        if g < 0.0:
            hi = x
        if fabs(npv) <= ROUND_OFF * total:
            return x
        newton = x - npv / slope
        if (
            not isfinite(newton)
            or newton <= lo
            or newton >= hi
            or fabs(2.0 * npv) > fabs(step_before * slope)
        ):
            following = 0.5 * (lo + hi)
        else:
            following = newton
        step_before = step
        step = following - x
        tolerance = X_TOLERANCE * (fabs(following) if fabs(following) > 1.0 else 1.0)
        if fabs(step) <= tolerance or hi - lo <= tolerance:
            return x
        x = following
    return x


cdef double single_root(const Series* s) noexcept nogil:
    """x of the one root of flows that change sign once; ±inf beyond the bounds.

    The root is accepted where |NPV| ≤ 1e-9 · Σ|discounted amounts|. Only when it is not are
    the bounds looked at: the iteration then ended on a bound the root lies beyond.
    """
    cdef double sign = sign_of(s.a[s.n - 1])
    cdef double npv, slope, total, x, estimate, residual = INFINITY
    cdef double inflow = 0.0, outflow = 0.0, time_in = 0.0, time_out = 0.0
    cdef Py_ssize_t i
    # A start where P·exp(−x·t̄₊) = N·exp(−x·t̄₋), P and N the totals of the positive and
    # negative amounts and t̄₊, t̄₋ their amount-weighted mean times: exact for two flows.
    for i in range(s.n):
        if s.a[i] > 0.0:
            inflow += s.a[i]
            time_in += s.a[i] * s.t[i]
        else:
            outflow -= s.a[i]
            time_out -= s.a[i] * s.t[i]
    estimate = log(inflow / outflow) / (time_in / inflow - time_out / outflow)
    if not isfinite(estimate):
        estimate = 0.0
    estimate = min(max(estimate, X_MIN / 2), X_MAX / 2)
    x = bracketed(s, X_MIN, X_MAX, sign, estimate, &residual)
    if residual <= RESIDUAL_TOLERANCE:
        return x
    evaluate(s, X_MAX, &npv, &slope, &total)
    if sign * npv >= 0.0:
        return INFINITY
    evaluate(s, X_MIN, &npv, &slope, &total)
    if sign * npv <= 0.0:
        return -INFINITY
    return NAN


cdef double polish(const Series* s, double x) noexcept nogil:
    """Newton steps in x from a candidate, keeping the point of smallest |NPV| / Σ|terms|;
    NaN unless that is ≤ 1e-9 (a double root, where Newton slows, included)."""
    cdef double best = x, best_residual = INFINITY
    cdef double npv, slope, total, residual, step, moved
    cdef int k
    for k in range(MAX_POLISH_STEPS):
        evaluate(s, x, &npv, &slope, &total)
        residual = fabs(npv) / total
        if residual < best_residual:
            best, best_residual = x, residual
        step = npv / slope
        moved = x - step
        if (
            residual > best_residual
            or npv == 0.0
            or not isfinite(moved)
            or fabs(step) <= X_TOLERANCE * (fabs(moved) if fabs(moved) > 1.0 else 1.0)
        ):
            break
        x = moved
    return best if best_residual <= RESIDUAL_TOLERANCE else NAN


cdef double excel_newton(const Series* s, double guess) noexcept nogil:
    """Excel's iteration: Newton's method on NPV(rate) from the guess, at most 100 steps,
    then polished in x; NaN where it fails or does not end on a root."""
    cdef double rate = guess, npv, slope, total, step, moved
    cdef int k
    for k in range(EXCEL_ITERATIONS):
        evaluate(s, log1p(rate), &npv, &slope, &total)
        step = npv * (1.0 + rate) / slope
        moved = rate - step
        if not isfinite(moved) or moved <= -1.0:
            return NAN
        if fabs(step) <= EXCEL_TOLERANCE * (fabs(rate) if fabs(rate) > 1.0 else 1.0):
            return polish(s, log1p(moved))
        rate = moved
    return NAN


cdef struct Roots:
    Py_ssize_t count
    Py_ssize_t capacity
    double* x


cdef bint keep_root(Roots* roots, double x) noexcept nogil:
    cdef double* grown
    if roots.count == roots.capacity:
        grown = <double*>realloc(roots.x, 2 * roots.capacity * sizeof(double))
        if grown == NULL:
            return False
        roots.x, roots.capacity = grown, 2 * roots.capacity
    roots.x[roots.count] = x
    roots.count += 1
    return True


cdef double scaled_npv(const Series* s, double x, double* relative) noexcept nogil:
    cdef double npv, slope, total
    evaluate(s, x, &npv, &slope, &total)
    relative[0] = fabs(npv) / total
    return npv


cdef bint roots_on_grid(
    const Series* s, double start, double stop, int points, double* signs, double* relative,
    Roots* roots
) noexcept nogil:
    """Roots where the NPV is zero at, or changes sign between, points of an even grid
    (``numpy.linspace``); the NPV's sign and relative size at each point go to the arrays."""
    cdef double step = (stop - start) / (points - 1)
    cdef double lo, hi, residual, point
    cdef int i
    for i in range(points):
        point = stop if i == points - 1 else start + i * step
        signs[i] = sign_of(scaled_npv(s, point, &relative[i]))
        if signs[i] == 0.0 and not keep_root(roots, point):
            return False
    for i in range(points - 1):
        if signs[i] * signs[i + 1] < 0.0:
            lo = start + i * step
            hi = stop if i + 1 == points - 1 else start + (i + 1) * step
            if not keep_root(roots, bracketed(s, lo, hi, signs[i], 0.5 * (lo + hi), &residual)):
                return False
    return True


cdef bint is_new(const Roots* roots, Py_ssize_t before, double x) noexcept nogil:
    cdef Py_ssize_t i
    cdef double scale = fabs(x) if fabs(x) > 1.0 else 1.0
    for i in range(before):
        if not fabs(x - roots.x[i]) > 1e-9 * scale:
            return False
    return True


cdef double nearest_scanned_root(const Series* s, double target) noexcept nogil:
    """The root nearest the target (the lower of two as near) that a scan finds; NaN if none.

    A coarse grid over growth factors up to e**60 across the series finds the sign changes;
    where |NPV| / Σ|terms| dips between points of one sign, a fine grid over the dip looks for
    a close pair of roots, and Newton's method for a double root.
    """
    cdef double signs[SCAN_POINTS]
    cdef double relative[SCAN_POINTS]
    cdef double fine_signs[DIP_POINTS]
    cdef double fine_relative[DIP_POINTS]
    cdef double span = SCAN_SPAN / s.t_max
    cdef double step = 2.0 * span / (SCAN_POINTS - 1)
    cdef double best = NAN, touch, root
    cdef Roots roots, found
    cdef Py_ssize_t before, k
    cdef int i
    cdef bint ok = True
    roots.count, roots.capacity = 0, 16
    roots.x = <double*>malloc(16 * sizeof(double))
    found.count, found.capacity = 0, 16
    found.x = <double*>malloc(16 * sizeof(double))
    if roots.x == NULL or found.x == NULL:
        free(roots.x)
        free(found.x)
        return NAN
    ok = roots_on_grid(s, -span, span, SCAN_POINTS, signs, relative, &roots)
    for i in range(1, SCAN_POINTS - 1):
        if not ok:
            break
        if not (
            relative[i] < relative[i - 1]
            and relative[i] <= relative[i + 1]
            and signs[i - 1] == signs[i]
            and signs[i] == signs[i + 1]
        ):
            continue
        found.count = 0
        ok = roots_on_grid(
            s,
            -span + (i - 1) * step,
            span if i + 1 == SCAN_POINTS - 1 else -span + (i + 1) * step,
            DIP_POINTS,
            fine_signs,
            fine_relative,
            &found,
        )
        if ok and found.count == 0:
            touch = polish(s, -span + i * step)
            if not isnan(touch):
                ok = keep_root(&found, touch)
        before = roots.count
        for k in range(found.count):
            if ok and is_new(&roots, before, found.x[k]):
                ok = keep_root(&roots, found.x[k])
    if ok:
        for k in range(roots.count):
            root = roots.x[k]
            if isnan(best) or fabs(root - target) < fabs(best - target) or (
                fabs(root - target) == fabs(best - target) and root < best
            ):
                best = root
    free(roots.x)
    free(found.x)
    return best


cdef Outcome solve_netted(
    const int64_t* days, const double* amounts, Py_ssize_t n, double* work, double guess,
    double* rate, int* changes
) noexcept nogil:
    """Solve flows in date order, one per day; ``work`` holds 4n doubles."""
    cdef Series s
    cdef Py_ssize_t i, m = 0
    cdef int64_t first = 0
    cdef bint has_positive = False, has_negative = False
    cdef double x
    if n == 0:
        return NOTHING
    s.t, s.a, s.at, s.magnitude = work, work + n, work + 2 * n, work + 3 * n
    changes[0] = 0
    for i in range(n):
        if amounts[i] == 0.0:
            continue
        if m == 0:
            first = days[i]
        elif (amounts[i] < 0.0) != (s.a[m - 1] < 0.0):
            changes[0] += 1
        has_positive |= amounts[i] > 0.0
        has_negative |= amounts[i] < 0.0
        s.t[m] = (days[i] - first) / DAYS_PER_YEAR
        s.a[m] = amounts[i]
        s.at[m] = -amounts[i] * s.t[m]
        s.magnitude[m] = fabs(amounts[i])
        m += 1
    if changes[0] == 0:
        return POSITIVE if has_positive else NEGATIVE if has_negative else ZERO
    s.n, s.t_max = m, s.t[m - 1]
    if changes[0] == 1:
        x = single_root(&s)
    else:
        x = excel_newton(&s, guess)
        if isnan(x):
            x = nearest_scanned_root(&s, log1p(guess))
    if isnan(x):
        return NO_ROOT
    rate[0] = expm1(x)
    if not isfinite(rate[0]):
        return BEYOND
    if rate[0] <= -1.0:
        return NEAR_MINUS_ONE
    return ROOT


cdef object answer(Outcome outcome, double rate, int changes):
    if outcome == ROOT:
        return rate
    if outcome == NOTHING:
        return NO_FLOWS
    if outcome == POSITIVE:
        return ALL_POSITIVE
    if outcome == NEGATIVE:
        return ALL_NEGATIVE
    if outcome == ZERO:
        return ALL_ZERO
    if outcome == BEYOND:
        return TOO_LARGE
    if outcome == NEAR_MINUS_ONE:
        return TOO_CLOSE
    return no_root(changes)


cdef class Buffer:
    """Room on the heap for n flows, their netted days and amounts and the solver's 4n
    doubles, for series too long for the stack and for batches."""

    cdef Flow* flows
    cdef int64_t* days
    cdef double* amounts
    cdef double* work
    cdef Py_ssize_t capacity

    def __dealloc__(self):
        free(self.flows)

    cdef bint reserve(self, Py_ssize_t n) except False:
        cdef void* block
        if n <= self.capacity:
            return True
        block = realloc(self.flows, n * (sizeof(Flow) + sizeof(int64_t) + 5 * sizeof(double)))
        if block == NULL:
            raise MemoryError()
        self.flows = <Flow*>block
        self.days = <int64_t*>(self.flows + n)
        self.amounts = <double*>(self.days + n)
        self.work = self.amounts + n
        self.capacity = n
        return True


cdef object solve_read(
    Flow* flows, Py_ssize_t n, int64_t* days, double* amounts, double* work, double guess
):
    cdef Py_ssize_t i, m
    cdef double rate = NAN
    cdef int changes = 0
    cdef Outcome outcome
    m = net_same_day(flows, n)
    for i in range(m):
        days[i] = flows[i].day
        amounts[i] = flows[i].amount
    outcome = solve_netted(days, amounts, m, work, guess, &rate, &changes)
    return answer(outcome, rate, changes)


def solve(flows, amounts, double guess):
    """The rate (a float) or the reason there is none (a str) for flows in a form read here:
    (date, amount) pairs in a list or tuple, a dict of date to amount, or dates and amounts in
    two lists or tuples; None for anything else, or for any value that is not a sound date or
    a finite amount."""
    cdef PyObject* given = NULL if amounts is None else <PyObject*>amounts
    cdef Py_ssize_t n = count_flows(<PyObject*>flows, given)
    cdef Flow small[ON_STACK]
    cdef int64_t small_days[ON_STACK]
    cdef double small_amounts[ON_STACK]
    cdef double small_work[4 * ON_STACK]
    cdef Buffer buffer
    if n < 0:
        return None
    if n <= ON_STACK:
        if not read_flows(<PyObject*>flows, given, small):
            return None
        return solve_read(small, n, small_days, small_amounts, small_work, guess)
    buffer = Buffer()
    buffer.reserve(n)
    if not read_flows(<PyObject*>flows, given, buffer.flows):
        return None
    return solve_read(buffer.flows, n, buffer.days, buffer.amounts, buffer.work, guess)


def solve_days(const int64_t[:] days, const double[:] amounts, double guess):
    """The rate or the reason for flows already in date order and netted, one per day: days
    counted from any origin, float amounts."""
    cdef Py_ssize_t i, n = days.shape[0]
    cdef double rate = NAN
    cdef int changes = 0
    cdef Outcome outcome
    cdef Buffer buffer = Buffer()
    if amounts.shape[0] != n:
        raise ValueError("days and amounts must be of the same length")
    buffer.reserve(max(n, 1))
    for i in range(n):
        buffer.days[i] = days[i]
        buffer.amounts[i] = amounts[i]
    outcome = solve_netted(buffer.days, buffer.amounts, n, buffer.work, guess, &rate, &changes)
    return answer(outcome, rate, changes)


def solve_many(series, double guess):
    """:func:`solve` for each series of a list or tuple: the rates (NaN where there is none),
    the reasons (None where there is a rate) and the positions of the series declined, whose
    rate is NaN and reason None until the caller solves them."""
    cdef Py_ssize_t count = length_of(<PyObject*>series)
    cdef Py_ssize_t i, n
    if count < 0:
        raise TypeError("series must be a list or a tuple")
    cdef PyObject* flows
    rates_array = np.full(count, np.nan)
    cdef double[::1] rates = rates_array
    cdef list reasons = [None] * count
    cdef list declined = []
    cdef Buffer buffer = Buffer()
    cdef object found
    buffer.reserve(ON_STACK)
    for i in range(count):
        flows = item_of(<PyObject*>series, i)
        n = count_flows(flows, NULL)
        if n < 0:
            declined.append(i)
            continue
        buffer.reserve(n)
        if not read_flows(flows, NULL, buffer.flows):
            declined.append(i)
            continue
        found = solve_read(buffer.flows, n, buffer.days, buffer.amounts, buffer.work, guess)
        if type(found) is float:
            rates[i] = found
        else:
            reasons[i] = found
    return rates_array, reasons, declined
