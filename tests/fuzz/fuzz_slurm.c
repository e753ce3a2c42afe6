/* fuzz_slurm.c — libFuzzer target: the parsers of sacct, squeue, sinfo and sacctmgr
 * output. Slurm output is outside our control (versions, site plug-ins), so any text
 * must parse or be refused without a crash. */
#include "slurm/slurm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    struct socm_error err;

    struct socm_sacct acct;
    if (socm_sacct_parse(s, &acct, &err) == 0)
        socm_sacct_free(&acct);
    struct socm_squeue q;
    socm_squeue_parse(s, &q);
    socm_squeue_free(&q);
    struct socm_sinfo si;
    socm_sinfo_parse(s, &si);
    socm_sinfo_free(&si);
    struct socm_slurm_qoslist ql;
    if (socm_slurm_qos_parse(s, &ql, &err) == 0)
        socm_slurm_qoslist_free(&ql);
    int code, sig;
    socm_slurm_exitcode_parse(s, &code, &sig);
    socm_slurm_duration_parse(s);
    socm_slurm_size_kib_parse(s);
    socm_slurm_tres_get(s, "cpu");
    free(s);
    return 0;
}
