/*
 * replay.c -- runs a libFuzzer target's LLVMFuzzerTestOneInput over files
 * with any compiler (after Fluent Bit's local_test.c).  Arguments are
 * files or directories; each file is one input.  Also feeds every prefix
 * and a few deterministic bit flips of each file, so truncation and
 * mutation paths run in `make test` without clang.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int nrun;

static void
run_file(const char *path)
{
	FILE		*f;
	uint8_t		*d, *m;
	long		 n;
	size_t		 i, step;
	uint32_t	 x = 2463534242u;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if ((d = malloc(n + 1)) == NULL || (m = malloc(n + 1)) == NULL)
		exit(1);
	if (fread(d, 1, n, f) != (size_t)n)
		exit(1);
	fclose(f);
	LLVMFuzzerTestOneInput(d, n);
	nrun++;
	/* truncations (every byte for small inputs) */
	step = n > 512 ? (size_t)n / 256 : 1;
	for (i = 0; i < (size_t)n; i += step) {
		memcpy(m, d, i);
		LLVMFuzzerTestOneInput(m, i);
		nrun++;
	}
	/* deterministic bit flips */
	for (i = 0; n > 0 && i < 64; i++) {
		memcpy(m, d, n);
		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		m[x % n] ^= 1u << (x >> 8 & 7);
		LLVMFuzzerTestOneInput(m, n);
		nrun++;
	}
	free(d);
	free(m);
}

static void
run_path(const char *path)
{
	struct stat	 st;
	DIR		*dir;
	struct dirent	*de;
	char		 p[4096];

	if (stat(path, &st) == -1) {
		perror(path);
		exit(1);
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	if ((dir = opendir(path)) == NULL) {
		perror(path);
		exit(1);
	}
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		run_path(p);
	}
	closedir(dir);
}

int
main(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("replay: %d inputs, no crash\n", nrun);
	return 0;
}
