/* pilot_files.c — the state-directory layout shared by the slurm-pilot manager and
 * its agent, and the shell quoting of batch-script values (see pilot.h). */
#include "agents/pilot.h"
#include "config/config.h"
#include "slurm/slurm.h"
#include "util/proc.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *socm_sh_quote(const char *s)
{
    struct socm_buf b = SOCM_BUF_INIT;
    socm_buf_putc(&b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            socm_buf_puts(&b, "'\\''"); /* close, escaped quote, reopen */
        else
            socm_buf_putc(&b, *p);
    }
    socm_buf_putc(&b, '\'');
    return socm_buf_steal(&b);
}

char *socm_pilot_path(const char *state_dir, const char *sub)
{
    return socm_asprintf("%s/pilot/%s", state_dir, sub);
}

int socm_pilot_mkdirs(const char *state_dir, struct socm_error *err)
{
    static const char *const subs[] = {"queue", "taken", "reports", "cancel", NULL};
    for (size_t i = 0; subs[i]; i++) {
        char *p = socm_pilot_path(state_dir, subs[i]);
        int rc = socm_mkdir_p(p, 0700, err);
        free(p);
        if (rc != 0)
            return -1;
    }
    return 0;
}

bool socm_pilot_name_parse(const char *name, const char *ext, int *index, int *attempt)
{
    int n = 0;
    if (sscanf(name, "%d.%d%n", index, attempt, &n) != 2 || n == 0 || *index < 0 || *attempt < 1)
        return false;
    const char *rest = name + n;
    if (!ext)
        return *rest == '\0';
    return rest[0] == '.' && !strcmp(rest + 1, ext);
}

char *socm_pilot_read(const char *path)
{
    size_t len;
    struct socm_error err; /* not there (yet) is NULL, nothing to report */
    return socm_file_read(path, &len, &err);
}

char *socm_slurm_step_of(const char *state_dir, const char *enactor, int index, int attempt,
                         long job)
{
    if (!enactor)
        return NULL;
    if (!strcmp(enactor, "slurm-jobs"))
        return job > 0 ? socm_asprintf("%ld.0", job) : NULL;
    if (strcmp(enactor, "slurm-pilot") || attempt < 1)
        return NULL;
    char *p = socm_asprintf("%s/pilot/reports/%d.%d.step", state_dir, index, attempt);
    FILE *f = fopen(p, "re");
    free(p);
    if (!f)
        return NULL;
    char line[64];
    char *id = NULL;
    if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        long long j, st;
        int n = 0;
        if (sscanf(line, "%lld.%lld%n", &j, &st, &n) == 2 && line[n] == '\0' && j > 0 && st >= 0)
            id = socm_strdup(line);
    }
    fclose(f);
    return id;
}

int socm_pilot_scancel(const char *state_dir, size_t *n, struct socm_error *err)
{
    *n = 0;
    char *p = socm_pilot_path(state_dir, "jobs");
    FILE *f = fopen(p, "re");
    free(p);
    if (!f)
        return 0;
    struct socm_strv ids = SOCM_STRV_INIT, live = SOCM_STRV_INIT;
    char line[64];
    while (fgets(line, sizeof line, f))
        if (socm_slurm_jobid_parse(line) > 0)
            socm_strv_pushf(&ids, "%lld", (long long)socm_slurm_jobid_parse(line));
    fclose(f);
    /* Only what is still alive: this campaign's jobs, nothing else. */
    struct socm_squeue q;
    int rc = ids.n ? socm_slurm_squeue(NULL, &ids, &q, err) : 0;
    if (rc == 0 && ids.n) {
        for (size_t i = 0; i < q.n; i++)
            if (!socm_slurm_state_is_final(q.v[i].state))
                socm_strv_pushf(&live, "%lld", (long long)q.v[i].job);
        socm_squeue_free(&q);
        rc = socm_slurm_scancel(&live, err);
        if (rc == 0)
            *n = live.n;
    }
    socm_strv_free(&ids);
    socm_strv_free(&live);
    return rc;
}
