/* discover.h — a resource read from the live Slurm cluster: nodes, cores and memory
 * from sinfo, QoS limits from sacctmgr; and the `[resources.NAME]` TOML table that
 * writes any resource back in the form users define their own. */
#ifndef SOCM_DISCOVER_H
#define SOCM_DISCOVER_H

#include "campaign/campaign.h"
#include "slurm/slurm.h"

/* A QoS with no walltime limit plans as this long (a year, in minutes); the TOML
 * writer prints it like any other walltime. */
#define SOCM_DISCOVER_UNLIMITED_WALL_MIN (365.0 * 24 * 60)

/* Builds the resource from parsed command output (pure, testable without Slurm).
 * partition: only nodes of that partition (NULL = every node). allowed: the QoS
 * names the user may use (NULL or empty = all). Nodes that cannot take work
 * (down, drained, not responding) are not counted, unless no node could; *skipped
 * (may be NULL) gets their number. cores_per_node is the most common CPU count,
 * memory_per_node the smallest memory among those nodes. QoS are ordered by
 * walltime, shortest first (the preference order of the built-in catalogue). */
struct socm_resource *socm_resource_from_slurm(const char *name, const char *partition,
                                               const struct socm_sinfo *si,
                                               const struct socm_slurm_qoslist *ql,
                                               const struct socm_strv *allowed, size_t *skipped,
                                               struct socm_error *err);

/* Runs sinfo and sacctmgr (show qos; show assoc for the current user's QoS). */
struct socm_resource *socm_resource_discover(const char *name, const char *partition, size_t *skipped,
                                             struct socm_error *err);

/* "[resources.NAME]" with nodes, cores_per_node, memory_per_node and the qos array
 * (max_jobs / max_cores left out when unlimited, as the reader defaults them). */
char *socm_resource_to_toml(const struct socm_resource *r);

#endif
