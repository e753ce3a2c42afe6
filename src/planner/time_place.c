/* time_place.c — the list scheduler of policy `time`: places the workflows, in a
 * given order, on a given number of cores, with insertion-based backfill and memory
 * per node. The orders and the deadline search are in time.c.
 *
 * Model (documented in docs/planner.md):
 * - The allocation of C cores is nodes of cores_per_node cores, numbered from core 0;
 *   the last node may be partial and then has memory_per_node × its cores /
 *   cores_per_node.
 * - A workflow gets k consecutive cores. Its memory counts on every node it
 *   touches, split in proportion to its cores there; each node's memory in use
 *   never exceeds the node's memory. Candidate first cores are the multiples of k
 *   (the original's slots); among equally early slots a workflow that fits in one
 *   node is kept inside one node.
 * - Workflows are taken in the order given (every predecessor first). Each goes
 *   to the slot where it can start earliest at or after its predecessors' end, in
 *   any idle gap of its cores long enough for it (insertion), provided the memory
 *   in use on each of its nodes stays within the node's memory throughout.
 *   A workflow with zero walltime holds no core time (it is placed where it could
 *   start, but later workflows may cover that instant).
 *
 * Data structures: per core the busy intervals sorted by time (corebusy.h), with
 * per idle gap a floor of the memory in use on its node then (a gap whose floor
 * leaves no room is stepped over unvisited), per node a memory step function with
 * min/max trees (memline.c: the earliest start at which memory fits skips runs of
 * steps) and the answers it gave the workflow being placed (its tries on the node's
 * slots ask about the same stretches of time again), and per node its memory and
 * cores in use together (time_nodes.c: an insertion try on a slot inside one node
 * starts no earlier than the node has the workflow's cores and memory free
 * together, found once per node and workflow, and is skipped if that is too late);
 * a slot is abandoned as soon as it cannot start before the best slot found, and
 * the search stops at a slot that starts at the earliest possible time. A plan may
 * stop early once it ends past a given time (socm_plan_time_place_until). */
#include "planner/time_place.h"

#include "planner/corebusy.h"
#include "planner/memline.h"
#include "planner/time_nodes.h"
#include "planner/slotidx.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tstate {
    const struct socm_plan_input *in;
    int64_t cores, cpn, nnodes;
    struct socm_corebusy *busy;      /* per core */
    double *last_end;           /* per core: end of its last interval (0 if none) */
    struct socm_memline *mem;   /* per node */
    double min_wall;            /* the shortest positive walltime */
    double *node_mem;           /* per node capacity */
    double min_node_mem;        /* the smallest (a partial last node) */
    int64_t *node_cores;
    /* Per distinct width (when there are few): the slots' latest end, for the
     * "after the last use" pass; the slots' earliest start of a final busy run
     * and shortest longest-gap, which filter the insertion pass (see best_slot). */
    struct socm_slotidx *last_ix, *gap_ix, *gaplen_ix;
    int64_t *widths;
    size_t nw;
    /* Min-trees over the cores (leaves at tsize + c): per core the start of its
     * final busy run, and its longest idle gap before its last end (INFINITY if
     * unused); a slot's minimum is then O(log cores), not a scan of its cores. */
    double *run_start, *gap_len;
    int64_t tsize;
    /* per core: its busy intervals are exactly those of the core before it. A
     * workflow's cores get the same interval, so inside a wide workflow's cores
     * the lists stay equal; slot_start checks one core per run of equal lists
     * (run_end[c]: the first core after c that differs from its predecessor). */
    bool *same_prev;
    int64_t *run_end;
    /* per core: the first interval ending after the time its last search started
     * from (indexes move as intervals are added: slot_start checks it first) */
    size_t *hint;
    /* Per node, the memory searches made for the workflow being placed (its
     * tries on the node's slots ask about the same stretches of time again and
     * again); stale once `epoch` moves on. */
    struct socm_memline_memo *memo;
    unsigned long epoch;
    /* Per node, its memory and cores in use together (time_nodes.c). */
    struct socm_time_nodes *nodes;
};


#define TIME_MAX_WIDTHS 64
/* Insertion candidates tried per workflow (in core order) once indexes are used:
 * bounds the work per workflow whatever the allocation; measured on the
 * benchmark, more tries did not change the 300-workflow plans. */
#define TIME_INSERT_TRIES 64

static size_t width_index(const struct tstate *st, int64_t k)
{
    size_t lo = 0, hi = st->nw;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->widths[mid] == k)
            return mid;
        if (st->widths[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

/* Cores of slot [first, first + k) that lie on node j. */
static int64_t cores_on_node(const struct tstate *st, int64_t first, int64_t k, int64_t j)
{
    int64_t a = j * st->cpn, b = a + st->node_cores[j];
    int64_t lo = first > a ? first : a, hi = first + k < b ? first + k : b;
    return hi > lo ? hi - lo : 0;
}

/* The memory node j may have in use while a workflow (k cores from `first`,
 * memory m) runs there; INFINITY where memory cannot hold it back (no memory, or
 * less ever added to the node than the room: the same test as slot_start's). */
static double memory_room(const struct tstate *st, int64_t first, int64_t k, double m, int64_t j, bool one_node)
{
    if (!(m > 0))
        return INFINITY;
    double room = st->node_mem[j] - (one_node ? m : m / (double)k * (double)cores_on_node(st, first, k, j));
    return st->mem[j].total <= room ? INFINITY : room;
}

/* Where a search through one slot has got to, for its next steps (its times only
 * grow): per run of equal cores the first interval that may end after the time,
 * per node the step of its memory line holding the time. Only so many are kept. */
#define TIME_CURSORS 16
struct cursors {
    uint32_t known_core, known_node; /* bit r: entry r is set */
    size_t core[TIME_CURSORS];
    long node[TIME_CURSORS];
    /* The slot's nodes j0 … j1 and memory_room() of the first TIME_CURSORS of them
     * (fixed during one search: worked out once, not per step). */
    int64_t j0, j1;
    double room[TIME_CURSORS];
};

static double cursor_room(const struct tstate *st, const struct cursors *cur, int64_t first, int64_t k, double m,
                          int64_t j)
{
    return j - cur->j0 < TIME_CURSORS ? cur->room[j - cur->j0] : memory_room(st, first, k, m, j, false);
}

/* Moves *t to the earliest start from *t at which the memory of every node of the
 * slot fits (every start skipped would overlap a step over the node's room).
 * Returns whether it moved, or -1 if no start before `limit` fits. */
static int memory_wait(const struct tstate *st, int64_t first, int64_t k, double w, double m, double *t,
                       double limit, struct cursors *cur)
{
    int64_t j0 = cur->j0, j1 = cur->j1;
    int moved = 0;
    for (int64_t j = j0; j <= j1 && m > 0; j++) {
        double room = cursor_room(st, cur, first, k, m, j);
        if (room == INFINITY)
            continue;
        long *at = NULL;
        if (j - j0 < TIME_CURSORS) {
            at = &cur->node[j - j0];
            if (!(cur->known_node & 1u << (j - j0))) {
                *at = SOCM_MEMLINE_UNKNOWN;
                cur->known_node |= 1u << (j - j0);
            }
        }
        /* Through the node's memo: nothing changes while one workflow is placed. */
        double c = socm_memline_memo_fit(&st->memo[j], &st->mem[j], st->epoch, *t, w, room, limit, at);
        if (c == INFINITY)
            return -1;
        if (c > *t) {
            *t = c;
            moved = 1;
        }
    }
    return moved;
}

/* Earliest start ≥ t of a workflow (k cores from `first`, walltime w, memory m) on
 * that slot, or INFINITY if it cannot start before `limit`. */
static double slot_start(const struct tstate *st, int64_t first, int64_t k, double w, double m, double t,
                         double limit)
{
    int64_t j0 = first / st->cpn, j1 = (first + k - 1) / st->cpn;
    double per_core = m / (double)k;
    if (m > st->min_node_mem)
        for (int64_t j = j0; j <= j1; j++)
            if (per_core * (double)cores_on_node(st, first, k, j) > st->node_mem[j])
                return INFINITY; /* this slot can never hold it (a small last node) */
    struct cursors cur;
    cur.known_core = cur.known_node = 0;
    cur.j0 = j0;
    cur.j1 = j1;
    for (int64_t j = j0; j <= j1 && j - j0 < TIME_CURSORS; j++)
        cur.room[j - j0] = memory_room(st, first, k, m, j, j0 == j1);
    for (bool again = false;; again = true) {
        if (t >= limit)
            return INFINITY;
        bool moved = false;
        /* Once the cores have moved the start, memory is asked first: one step of
         * a node's memory may hold back many core intervals (the first time the
         * cores, as most slots are free when their cores are). */
        if (again) {
            int mv = memory_wait(st, first, k, w, m, &t, limit, &cur);
            if (mv < 0)
                return INFINITY;
            moved = mv > 0;
        }
        /* One core per run of cores with the same intervals: what fits one fits
         * all. Most cores are free from their last end on: no search needed. */
        size_t r = 0;                                /* which run */
        int64_t cj = j0, cj_end = (j0 + 1) * st->cpn; /* c's node and its end */
        for (int64_t c = first; c < first + k; c = st->run_end[c], r++) {
            if (t >= st->last_end[c])
                continue;
            const struct socm_corebusy *b = &st->busy[c];
            double room = NAN; /* of c's node, once a gap is long enough */
            /* Walk this core's intervals until a gap of w fits: each jump only
             * skips times at which the core is busy, or a gap whose memory in use
             * is above the room all along. */
            size_t i;
            if (r < TIME_CURSORS && cur.known_core & 1u << r) {
                i = socm_corebusy_first_ending_after_from(b, t, cur.core[r]);
            } else {
                /* From where the last search of this core started, if that is not
                 * past t: searches of a core mostly start at nearby times, and the
                 * list may be far from the cache. */
                size_t h = st->hint[c];
                i = h <= b->n && (h == 0 || b->v[h - 1].e <= t) ? socm_corebusy_first_ending_after_from(b, t, h)
                                                                : socm_corebusy_first_ending_after(b, t);
                st->hint[c] = i;
            }
            for (; i < b->n; i++) {
                bool fits = !(b->v[i].s < t + w);
                if (fits && w > 0 && t < b->v[i].s) { /* long enough, unless memory is full all along */
                    if (isnan(room)) {
                        while (c >= cj_end) {
                            cj++;
                            cj_end += st->cpn;
                        }
                        room = cursor_room(st, &cur, first, k, m, cj);
                    }
                    fits = !(b->gmin[i] > room);
                }
                if (fits)
                    break;
                t = b->v[i].e;
                st->nodes->walks++;
                moved = true;
                if (t >= limit)
                    return INFINITY;
            }
            if (r < TIME_CURSORS) { /* every interval before i ends by t */
                cur.core[r] = i;
                cur.known_core |= 1u << r;
            }
        }
        if (moved)
            continue;
        if (!again) {
            int mv = memory_wait(st, first, k, w, m, &t, limit, &cur);
            if (mv < 0)
                return INFINITY;
            if (mv > 0)
                continue;
        }
        return t;
    }
}

/* Core x (> 0) now has (or not) the same intervals as core x − 1: the run of
 * cores before x ends at x, or continues with x's run. */
static void same_prev_set(struct tstate *st, int64_t x, bool same)
{
    if (st->same_prev[x] == same)
        return;
    st->same_prev[x] = same;
    int64_t end = same ? st->run_end[x] : x;
    for (int64_t c = x - 1; c >= 0; c--) {
        st->run_end[c] = end;
        if (!st->same_prev[c])
            break;
    }
}

/* The figures of the gaps that placing [s, e) on cores [first, first + k) made
 * (before s and after e, unless glued to a neighbour), from their node's memory
 * now (neighbouring cores mostly share their gaps: the last answer is kept). */
static void gaps_update(struct tstate *st, int64_t first, int64_t k, double s, double e)
{
    /* Run by run of cores with the same intervals (the same gaps), node by node. */
    for (int64_t c = first, next; c < first + k; c = next) {
        int64_t j = c / st->cpn, node_end = (j + 1) * st->cpn;
        next = st->run_end[c] < first + k ? st->run_end[c] : first + k;
        next = next < node_end ? next : node_end;
        const struct socm_corebusy *b = &st->busy[c];
        size_t i = socm_corebusy_first_ending_after(b, s);
        for (size_t g = i; g <= i + 1 && g < b->n; g++) {
            double a = g > 0 ? b->v[g - 1].e : 0, z = b->v[g].s;
            if (g == i ? z != s : a != e) /* a gap that was there before: its figure holds */
                continue;
            /* Too short for any workflow: never looked at. */
            double v = z - a < st->min_wall ? 0 : socm_memline_min(&st->mem[j], a, z);
            for (int64_t x = c; x < next; x++)
                st->busy[x].gmin[g] = v;
        }
    }
}

static void place(struct tstate *st, int64_t first, int64_t k, double s, double e, double m)
{
    for (int64_t c = first; c < first + k; c++) {
        socm_corebusy_add(&st->busy[c], s, e);
        if (e > st->last_end[c])
            st->last_end[c] = e;
    }
    /* Inside [first, first + k) equal lists stay equal and different ones stay
     * different (the same interval, disjoint from both, was added to each); at the
     * two edges the lists are compared. */
    if (first > 0)
        same_prev_set(st, first, socm_corebusy_equal(&st->busy[first - 1], &st->busy[first]));
    if (first + k < st->cores)
        same_prev_set(st, first + k, socm_corebusy_equal(&st->busy[first + k - 1], &st->busy[first + k]));
    int64_t j0 = first / st->cpn, j1 = (first + k - 1) / st->cpn;
    for (int64_t j = j0; j <= j1; j++) {
        socm_memline_add(&st->mem[j], s, e, m * (double)cores_on_node(st, first, k, j) / (double)k);
    }
    socm_time_nodes_place(st->nodes, first, k, s, e, m);
    gaps_update(st, first, k, s, e);
    for (int64_t c = first; c < first + k; c++) { /* intervals that touch are glued */
        double rs, g;
        if (c > first && st->same_prev[c]) { /* the same intervals as c − 1 */
            rs = st->run_start[st->tsize + c - 1];
            g = st->gap_len[st->tsize + c - 1];
        } else {
            const struct socm_corebusy *b = &st->busy[c];
            rs = b->v[b->n - 1].s;
            g = b->v[0].s;
            for (size_t i = 1; i < b->n; i++)
                if (b->v[i].s - b->v[i - 1].e > g)
                    g = b->v[i].s - b->v[i - 1].e;
        }
        socm_mintree_set(st->run_start, st->tsize, c, rs);
        socm_mintree_set(st->gap_len, st->tsize, c, g);
    }
    for (size_t i = 0; i < st->nw; i++) {
        int64_t kw = st->widths[i];
        socm_slotidx_raise(&st->last_ix[i], first, k, e);
        int64_t s1 = (first + k - 1) / kw < st->gap_ix[i].nslots ? (first + k - 1) / kw : st->gap_ix[i].nslots - 1;
        for (int64_t sl = first / kw; sl <= s1; sl++) {
            socm_slotidx_set(&st->gap_ix[i], sl, socm_mintree_min(st->run_start, st->tsize, sl * kw, sl * kw + kw));
            socm_slotidx_set(&st->gaplen_ix[i], sl, socm_mintree_min(st->gap_len, st->tsize, sl * kw, sl * kw + kw));
        }
    }
}

/* Next candidate first core after `pos` (-1: the first) for k cores, or -1: the
 * multiples of k, as the original's slots. Slots at node boundaries were tried and
 * dropped: they break the alignment that lets later workflows of the same width
 * pack (the benchmark's efficiency fell from 0.999 to 0.92 with them). */
static int64_t next_slot(const struct tstate *st, int64_t k, int64_t pos)
{
    int64_t next = pos < 0 ? 0 : (pos / k + 1) * k;
    return next + k <= st->cores ? next : -1;
}

/* Whether some slot can hold the workflow's memory at all (nothing else running);
 * *room gets the largest node memory (for the message). */
static bool memory_fits(const struct tstate *st, int64_t k, double m, double *room)
{
    *room = st->node_mem[0]; /* node 0 is a whole node unless it is the only one */
    for (int64_t pos = next_slot(st, k, -1); pos >= 0; pos = next_slot(st, k, pos)) {
        bool ok = true;
        for (int64_t j = pos / st->cpn; j <= (pos + k - 1) / st->cpn && ok; j++)
            ok = m * (double)cores_on_node(st, pos, k, j) / (double)k <= st->node_mem[j];
        if (ok)
            return true;
    }
    return false;
}

/* Upward ranks and the order the workflows are placed in. */

static void tstate_free(struct tstate *st)
{
    for (int64_t c = 0; c < st->cores; c++)
        socm_corebusy_free(&st->busy[c]);
    for (int64_t j = 0; j < st->nnodes; j++)
        socm_memline_free(&st->mem[j]);
    free(st->busy);
    free(st->last_end);
    free(st->mem);
    free(st->node_mem);
    free(st->node_cores);
    for (size_t i = 0; i < st->nw; i++) {
        socm_slotidx_free(&st->last_ix[i]);
        socm_slotidx_free(&st->gap_ix[i]);
        socm_slotidx_free(&st->gaplen_ix[i]);
    }
    free(st->gaplen_ix);
    free(st->gap_len);
    free(st->last_ix);
    free(st->gap_ix);
    free(st->widths);
    free(st->run_start);
    free(st->same_prev);
    free(st->run_end);
    free(st->hint);
    for (int64_t j = 0; j < st->nnodes; j++)
        socm_memline_memo_free(&st->memo[j]);
    free(st->memo);
    socm_time_nodes_free(st->nodes);
}

/* The search state of one workflow: the best slot so far. */
struct pick {
    int64_t k, best;
    double w, m, est, start;
    bool split; /* the best slot straddles two nodes though the workflow fits in one */
};

static bool is_split(const struct tstate *st, int64_t pos, int64_t k)
{
    return k <= st->cpn && pos / st->cpn != (pos + k - 1) / st->cpn;
}

/* The "after the last use" rule for slot pos (its cores free from a on). */
static void try_after(const struct tstate *st, struct pick *p, int64_t pos, double a)
{
    if (a >= p->start)
        return;
    double t = slot_start(st, pos, p->k, p->w, p->m, a, p->start);
    if (t < p->start) {
        p->start = t;
        p->best = pos;
        p->split = is_split(st, pos, p->k);
    }
}

/* Insertion into idle gaps from est on; returns true when nothing can beat it. */
static bool try_insert(struct tstate *st, struct pick *p, int64_t pos)
{
    bool split = is_split(st, pos, p->k);
    /* Equal starts: the first slot wins, but one inside a node beats one split
     * across two. */
    bool may_tie = p->split && !split && p->best >= 0;
    double limit = may_tie ? nextafter(p->start, INFINITY) : p->start;
    double from = p->est;
    int64_t j = pos / st->cpn;
    if (st->nodes->on && p->w > 0 && j == (pos + p->k - 1) / st->cpn) { /* a slot inside one node */
        /* No slot of the node starts before its cores and memory are free together. */
        from = socm_time_nodes_start(st->nodes, st->epoch, j, p->k, p->w,
                                     memory_room(st, pos, p->k, p->m, j, true), p->est, limit);
        if (from >= limit) {
            socm_time_nodes_searched(st->nodes);
            return false;
        }
    }
    double t = slot_start(st, pos, p->k, p->w, p->m, from, limit);
    socm_time_nodes_searched(st->nodes);
    if (t < p->start || (may_tie && t == p->start)) {
        p->start = t;
        p->best = pos;
        p->split = split;
        return t <= p->est && !split;
    }
    return false;
}

/* Where workflow r (ready at est) starts earliest: first the original's rule
 * (after the last use of the slot's cores), which needs no walk through gaps and
 * bounds the insertion pass, whose slots are then given up at the first gap that
 * starts too late. With the width's indexes, the first pass visits the slot free
 * earliest (and others only if memory delayed it), and the insertion pass only
 * slots whose every core's final busy run starts at or after est + walltime and
 * has an idle gap at least walltime long — a window [t, t + w) with t ≥ est inside
 * a core's busy period needs both.
 * (Slots mixing such cores with cores idle after their last end are left to the
 * first pass, and at most TIME_INSERT_TRIES candidates are tried: the price of
 * not scanning every core.) */
static int64_t best_slot(struct tstate *st, const struct socm_req *r, double est, double *start)
{
    st->epoch++; /* the memory memos of the workflow before are stale */
    struct pick p = {.k = r->cpus, .best = -1, .w = r->walltime_min, .m = r->memory_mb, .est = est,
                     .start = INFINITY, .split = true};
    int64_t k = p.k;
    size_t wi = width_index(st, k);
    if (wi == SIZE_MAX) {
        for (int64_t pos = next_slot(st, k, -1); pos >= 0; pos = next_slot(st, k, pos)) {
            double a = est;
            for (int64_t c = pos; c < pos + k; c++)
                if (st->last_end[c] > a)
                    a = st->last_end[c];
            try_after(st, &p, pos, a);
        }
        for (int64_t pos = next_slot(st, k, -1); pos >= 0 && p.start > est; pos = next_slot(st, k, pos))
            if (try_insert(st, &p, pos))
                break;
    } else {
        const struct socm_slotidx *li = &st->last_ix[wi], *gi = &st->gap_ix[wi];
        int64_t s0 = socm_slotidx_first_le(li, est, 0);
        double a0 = est;
        if (s0 < 0)
            a0 = socm_slotidx_next_gt(li, est, &s0);
        if (s0 >= 0)
            try_after(st, &p, s0 * k, a0);
        /* Memory delayed it: any slot free before that start may do better. */
        for (int64_t s = socm_slotidx_first_le(li, nextafter(p.start, -INFINITY), 0); s >= 0 && p.start > a0;
             s = socm_slotidx_first_le(li, nextafter(p.start, -INFINITY), s + 1)) {
            double a = socm_slotidx_value(li, s);
            if (s != s0)
                try_after(st, &p, s * k, a > est ? a : est);
        }
        /* Every core also needs an idle gap at least as long as the workflow. */
        const struct socm_slotidx *gl = &st->gaplen_ix[wi];
        int tries = 0;
        for (int64_t s = socm_slotidx_first_ge2(gi, est + p.w, gl, p.w, 0);
             s >= 0 && p.start > est && tries < TIME_INSERT_TRIES;
             s = socm_slotidx_first_ge2(gi, est + p.w, gl, p.w, s + 1), tries++)
            if (try_insert(st, &p, s * k))
                break;
    }
    *start = p.start;
    return p.best;
}

static int schedule_on(const struct socm_plan_input *in, const int *order, int64_t cores, int64_t alloc,
                       double stop, struct socm_plan *out, struct socm_error *err);

/* Places the workflows in `order` (predecessors first) on an allocation of `cores`
 * cores, using the first socm_plan_time_usable_cores() of them. */
int socm_plan_time_place(const struct socm_plan_input *in, const int *order, int64_t cores, struct socm_plan *out,
                         struct socm_error *err)
{
    return socm_plan_time_place_until(in, order, cores, INFINITY, out, err);
}

int socm_plan_time_place_until(const struct socm_plan_input *in, const int *order, int64_t cores, double stop,
                               struct socm_plan *out, struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    if (cores < 1 || in->resource->cores_per_node < 1)
        return socm_error_set(err, SOCM_E_INPUT, "cannot plan on %lld cores", (long long)cores);
    int rc = schedule_on(in, order, socm_plan_time_usable_cores(in, cores, in->resource->cores_per_node), cores,
                         stop, out, err);
    if (rc < 0)
        return -1;
    out->cores = cores;
    return rc;
}

/* Whether the allocation can hold workflow r at all (its cores, its memory on
 * some slot); if not, the error says why. */
static int check_fits(const struct tstate *st, const struct socm_req *r, const char *name, struct socm_error *err)
{
    double room;
    if (r->cpus > st->cores)
        return socm_error_set(err, SOCM_E_INPUT, "workflow %s needs %lld cores; the allocation has %lld cores", name,
                              (long long)r->cpus, (long long)st->cores);
    if (!memory_fits(st, r->cpus, r->memory_mb, &room))
        return socm_error_set(err, SOCM_E_INPUT,
                              "workflow %s needs %g MB of memory; the allocation of %lld cores has %g MB "
                              "per node (%lld cores per node)",
                              name, r->memory_mb, (long long)st->cores, room, (long long)st->cpn);
    return 0;
}

/* socm_plan_time_place on the first `cores` cores of an allocation of `alloc`, whose
 * nodes (and so their memory) have the allocation's sizes. */
static int schedule_on(const struct socm_plan_input *in, const int *order, int64_t cores, int64_t alloc,
                       double stop, struct socm_plan *out, struct socm_error *err)
{
    size_t n = in->n;
    struct tstate st = {.in = in, .cores = cores, .cpn = in->resource->cores_per_node};
    st.nnodes = (cores + st.cpn - 1) / st.cpn;
    st.busy = socm_xcalloc((size_t)cores, sizeof *st.busy);
    st.last_end = socm_xcalloc((size_t)cores, sizeof *st.last_end);
    st.hint = socm_xcalloc((size_t)cores, sizeof *st.hint);
    st.mem = socm_xcalloc((size_t)st.nnodes, sizeof *st.mem);
    st.memo = socm_xcalloc((size_t)st.nnodes, sizeof *st.memo);
    struct socm_time_nodes nodes;
    socm_time_nodes_init(&nodes, cores, st.cpn);
    st.nodes = &nodes;
    st.node_mem = socm_xcalloc((size_t)st.nnodes, sizeof *st.node_mem);
    st.node_cores = socm_xcalloc((size_t)st.nnodes, sizeof *st.node_cores);
    for (int64_t j = 0; j < st.nnodes; j++) {
        st.node_cores[j] = alloc - j * st.cpn < st.cpn ? alloc - j * st.cpn : st.cpn;
        st.node_mem[j] = in->resource->memory_per_node_mb * (double)st.node_cores[j] / (double)st.cpn;
        if (j == 0 || st.node_mem[j] < st.min_node_mem)
            st.min_node_mem = st.node_mem[j];
    }
    st.min_wall = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (in->reqs[i].walltime_min > 0 && in->reqs[i].walltime_min < st.min_wall)
            st.min_wall = in->reqs[i].walltime_min;
    st.widths = socm_plan_widths(in, &st.nw);
    if (st.nw > TIME_MAX_WIDTHS)
        st.nw = 0;
    st.last_ix = socm_xcalloc(st.nw ? st.nw : 1, sizeof *st.last_ix);
    st.gap_ix = socm_xcalloc(st.nw ? st.nw : 1, sizeof *st.gap_ix);
    st.gaplen_ix = socm_xcalloc(st.nw ? st.nw : 1, sizeof *st.gaplen_ix);
    for (size_t i = 0; i < st.nw; i++) {
        socm_slotidx_init(&st.last_ix[i], st.widths[i], cores, 0);
        socm_slotidx_init(&st.gap_ix[i], st.widths[i], cores, INFINITY);
        socm_slotidx_init(&st.gaplen_ix[i], st.widths[i], cores, INFINITY);
    }
    for (st.tsize = 1; st.tsize < cores; st.tsize *= 2)
        ;
    st.run_start = socm_xmalloc(2 * (size_t)st.tsize * sizeof *st.run_start);
    st.gap_len = socm_xmalloc(2 * (size_t)st.tsize * sizeof *st.gap_len);
    for (int64_t i = 0; i < 2 * st.tsize; i++)
        st.run_start[i] = st.gap_len[i] = INFINITY;
    st.same_prev = socm_xmalloc((size_t)cores * sizeof *st.same_prev);
    st.run_end = socm_xmalloc((size_t)cores * sizeof *st.run_end);
    for (int64_t c = 0; c < cores; c++) {
        st.same_prev[c] = c > 0; /* all empty */
        st.run_end[c] = cores;
    }
    struct socm_plan_entry *e = socm_xcalloc(n ? n : 1, sizeof *e);
    double makespan = 0;
    int rc = 0;
    bool stopped = false; /* the makespan has passed `stop` */
    for (size_t idx = 0; idx < n; idx++) {
        int w = order[idx];
        const struct socm_req *r = &in->reqs[w];
        int64_t k = r->cpus;
        const char *name = in->names ? in->names[w] : "?";
        if ((rc = check_fits(&st, r, name, err)) < 0)
            break;
        if (stopped) /* placing has stopped: the input is still checked */
            continue;
        double est = 0;
        const struct socm_intv *p = &in->dag->pred[w];
        for (size_t j = 0; j < p->n; j++)
            if (e[p->v[j]].end > est)
                est = e[p->v[j]].end;
        double best_start;
        int64_t best = best_slot(&st, r, est, &best_start);
        if (best < 0) { /* cannot happen once memory_fits(): kept as a guard */
            rc = socm_error_set(err, SOCM_E_INPUT, "workflow %s fits on no slot of %lld cores", name,
                                (long long)cores);
            break;
        }
        double end = best_start + r->walltime_min;
        if (r->walltime_min > 0)
            place(&st, best, k, best_start, end, r->memory_mb);
        e[w] = (struct socm_plan_entry){.id = w + 1, .core_first = best, .core_last = best + k - 1,
                                        .memory_mb = r->memory_mb, .start = best_start, .end = end};
        if (end > makespan)
            makespan = end;
        stopped = makespan > stop; /* the rest is placed no more */
    }
    tstate_free(&st);
    if (rc < 0) {
        free(e);
        return -1;
    }
    out->entries = e;
    out->n = n;
    out->cores = cores;
    out->makespan = makespan;
    return stopped ? 1 : 0;
}
