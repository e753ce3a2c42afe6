/* fuzz_journal.c — libFuzzer target: journal replay (socm_bk_load, as status, report
 * and resume use it) of arbitrary bytes as STATE_DIR/journal.jsonl. Replay must build
 * a state or report damage, never crash, leak or hang. */
#include "manager/bookkeeper.h"
#include "state/journal.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char state_dir[64];
static char journal[128];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    /* tmpfs when there is one: a disk-backed /tmp makes every input a block-device
     * write, and the fuzzer then measures the disk (1.4k executions/s), not replay. */
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(state_dir, sizeof state_dir, "%s/socm-fuzz-journal-XXXXXX", base);
    if (!mkdtemp(state_dir))
        abort();
    snprintf(journal, sizeof journal, "%s/%s", state_dir, SOCM_JOURNAL_FILE);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = open(journal, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        abort();
    size_t off = 0;
    while (off < size) {
        ssize_t n = write(fd, data + off, size - off);
        if (n <= 0)
            abort();
        off += (size_t)n;
    }
    close(fd);
    struct socm_error err;
    struct socm_bk *bk = socm_bk_load(state_dir, &err);
    if (bk)
        socm_bk_free(bk);
    long long valid = -2;
    (void)socm_journal_replay(state_dir, NULL, NULL, &valid, &err);
    return 0;
}
