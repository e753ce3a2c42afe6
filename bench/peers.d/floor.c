/* floor.c — bench/peers' helpers, built by the bench (not part of socm):
 *   floor N P LAYERS CMD [ARG...]   runs N copies of CMD, P at a time, in LAYERS
 *                                    layers (each layer after the one before): the
 *                                    spawn floor, a bare posix_spawn + waitpid loop;
 *   measure CMD [ARG...]             runs CMD and prints "wall cpu maxrss_kb": wall
 *                                    seconds, user+sys seconds of the whole tree that
 *                                    was waited for, and the largest process's peak
 *                                    RSS. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int run_floor(long n, long p, long layers, char **cmd)
{
    long per = (n + layers - 1) / layers, done = 0;
    while (done < n) {
        long end = done + per < n ? done + per : n, started = done, running = 0;
        while (started < end || running > 0) {
            while (started < end && running < p) {
                pid_t pid;
                if (posix_spawn(&pid, cmd[0], NULL, NULL, cmd, environ) != 0)
                    return 1;
                started++;
                running++;
            }
            int st;
            if (wait(&st) > 0)
                running--;
        }
        done = end;
    }
    return 0;
}

static int run_measure(char **cmd)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid;
    if (posix_spawnp(&pid, cmd[0], NULL, NULL, cmd, environ) != 0)
        return 127;
    int st;
    waitpid(pid, &st, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    struct rusage r;
    getrusage(RUSAGE_CHILDREN, &r);
    double cpu = (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) + (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
    printf("%.3f %.3f %ld\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, cpu,
           r.ru_maxrss);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int main(int argc, char **argv)
{
    if (argc >= 6 && strcmp(argv[1], "floor") == 0)
        return run_floor(atol(argv[2]), atol(argv[3]), atol(argv[4]), argv + 5);
    if (argc >= 3 && strcmp(argv[1], "measure") == 0)
        return run_measure(argv + 2);
    fprintf(stderr, "usage: floor floor N P LAYERS CMD... | floor measure CMD...\n");
    return 2;
}
