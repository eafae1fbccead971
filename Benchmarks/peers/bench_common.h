/*
 * bench_common.h - the timing harness shared by sofia_parse.c and osip_parse.c.
 *
 * It mirrors `switchboard bench parse` (Sources/switchboard/BenchParseCommand.swift)
 * so that the three figures are comparable:
 *
 *   - the corpus is every regular file in DIR, sorted by name, read as raw bytes;
 *     a file whose headers do not decode is reported and skipped;
 *   - warm-up: 10,000 messages;
 *   - R rounds; each round runs batches of 20,000 messages (round-robin over the
 *     corpus, every batch starting again at the first message, as the Swift code
 *     does) until the round has used S/R seconds of thread CPU time
 *     (clock_gettime(CLOCK_THREAD_CPUTIME_ID));
 *   - each round is printed; the last line is `parse: N msgs/s, M ns/msg`
 *     for the median round (sorted[R/2]).
 *
 * The including file defines PARSER_NAME ("sofia", "osip") before including this
 * header, and these two functions:
 *
 *   static long parse_and_decode(const char *buf, size_t len);
 *       Parse one message with the library, decode the headers, return a checksum
 *       (>= 0) depending on the decoded values, or -1 if the message does not parse.
 *   static int describe(const char *name, const char *buf, size_t len, FILE *out);
 *       Print to `out` one line with the decoded values (for checking); return 0 if
 *       OK, or -1 after printing to stderr why the message does not parse or lacks
 *       a header.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define WARMUP_MESSAGES 10000
#define BATCH_MESSAGES 20000
#define MAX_ROUNDS 1000

struct message {
    char *name;
    char *bytes;
    size_t len;
};

static long parse_and_decode(const char *buf, size_t len);
static int describe(const char *name, const char *buf, size_t len, FILE *out);

/* CPU time of the calling thread, in seconds. */
static double thread_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Decimal digits of a port string ("5060" -> 5060); 0 if absent. */
static unsigned port_number(const char *s)
{
    unsigned v = 0;
    if (s)
        for (; *s >= '0' && *s <= '9'; s++)
            v = v * 10 + (unsigned)(*s - '0');
    return v;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Reads the regular files of `dir` (sorted by name) into `*out`; checks that each
 * parses (a failure is explained on stderr and the file skipped); returns the
 * number kept. */
static size_t load_corpus(const char *dir, struct message **out)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, NULL, by_name);
    if (n < 0) {
        fprintf(stderr, "%s: cannot read %s: %s\n", PARSER_NAME, dir, strerror(errno));
        exit(1);
    }
    struct message *messages = calloc((size_t)n + 1, sizeof *messages);
    size_t count = 0;
    FILE *sink = fopen("/dev/null", "w"); /* failures go to stderr; drop the rest */
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, entries[i]->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(entries[i]);
            continue;
        }
        FILE *f = fopen(path, "rb");
        char *bytes = malloc((size_t)st.st_size + 1);
        size_t len = f ? fread(bytes, 1, (size_t)st.st_size, f) : 0;
        if (f)
            fclose(f);
        bytes[len] = '\0';
        if (describe(entries[i]->d_name, bytes, len, sink) != 0 ||
            parse_and_decode(bytes, len) < 0) {
            printf("skipping %s: not a message whose headers decode\n", entries[i]->d_name);
            free(bytes);
        } else {
            messages[count].name = strdup(entries[i]->d_name);
            messages[count].bytes = bytes;
            messages[count].len = len;
            count++;
        }
        free(entries[i]);
    }
    free(entries);
    fclose(sink);
    *out = messages;
    return count;
}

/* Parses `count` messages round-robin from the first; returns CPU seconds spent and
 * adds the decoded values into *checksum. */
static double run_parses(const struct message *m, size_t n, long count, long *checksum)
{
    long sum = 0;
    size_t index = 0;
    double start = thread_cpu_seconds();
    for (long i = 0; i < count; i++) {
        sum += parse_and_decode(m[index].bytes, m[index].len);
        if (++index == n)
            index = 0;
    }
    double spent = thread_cpu_seconds() - start;
    *checksum += sum;
    return spent;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void usage(void)
{
    fprintf(stderr, "usage: %s_parse DIR [--seconds S] [--rounds R]\n"
                    "       %s_parse DIR --describe   (print the decoded values of each message)\n",
            PARSER_NAME, PARSER_NAME);
    exit(2);
}

/* Command line, corpus, warm-up, timed rounds, report. */
static int bench_main(int argc, char **argv)
{
    const char *dir = NULL;
    double seconds = 3;
    int rounds = 5, describe_all = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--describe") == 0)
            describe_all = 1;
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (argv[i][0] != '-' && !dir)
            dir = argv[i];
        else
            usage();
    }
    if (!dir || seconds <= 0 || rounds < 1 || rounds > MAX_ROUNDS)
        usage();

    struct message *messages;
    size_t n = load_corpus(dir, &messages);
    if (describe_all) {
        for (size_t i = 0; i < n; i++)
            describe(messages[i].name, messages[i].bytes, messages[i].len, stdout);
        return n ? 0 : 1;
    }
    if (n == 0) {
        fprintf(stderr, "%s: no parseable messages in %s\n", PARSER_NAME, dir);
        return 1;
    }
    printf("corpus: %zu messages (", n);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", messages[i].name);
    printf(")\n");
    fflush(stdout);
    /* Show once what the library decoded, so a run can be checked by eye. */
    describe(messages[0].name, messages[0].bytes, messages[0].len, stderr);

    long checksum = 0;
    run_parses(messages, n, WARMUP_MESSAGES, &checksum); /* warm caches and tables */

    double per_message[MAX_ROUNDS];
    double round_seconds = seconds / rounds;
    for (int r = 0; r < rounds; r++) {
        long count = 0;
        double cpu = 0;
        checksum = 0;
        while (cpu < round_seconds) {
            cpu += run_parses(messages, n, BATCH_MESSAGES, &checksum);
            count += BATCH_MESSAGES;
        }
        per_message[r] = cpu * 1e9 / (double)count;
        printf("round %d: %ld msgs in %.3f s CPU, %.0f ns/msg (checksum %ld)\n",
               r + 1, count, cpu, per_message[r], checksum);
    }
    qsort(per_message, (size_t)rounds, sizeof per_message[0], compare_doubles);
    double median = per_message[rounds / 2];
    printf("parse: %.0f msgs/s, %.0f ns/msg\n", 1e9 / median, median);
    return 0;
}

#endif
