/*
 * Times the C++ core of the installed pymicro-features wheel without Python in the loop.
 *
 * pymicro_features.MicroFrontend.process_samples() consumes exactly 160 samples per call
 * (its C++ wrapper hard-codes the chunk), so Python's per-call cost cannot be amortized
 * through that API. This driver instead loads the very extension module pip installed
 * (micro_features_cpp.abi3.so, which exports the TFLM frontend's C functions), sets up the
 * frontend with the configuration pymicro-features uses, and calls FrontendProcessSamples
 * in a plain C loop, 160 samples per call, over the whole input.
 *
 * usage: reference_core_bench LIBPYTHON EXTENSION AUDIO.s16le REPETITIONS
 * LIBPYTHON is loaded first only so that the extension's references to Python symbols
 * resolve; Python is never initialized and none of its functions run.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The configuration structs of the TFLM microfrontend (lib/frontend_util.h and the *_util.h it includes). */
struct WindowConfig { size_t size_ms; size_t step_size_ms; };
struct FilterbankConfig { int num_channels; float upper_band_limit; float lower_band_limit; int output_scale_shift; };
struct NoiseReductionConfig { int smoothing_bits; float even_smoothing; float odd_smoothing; float min_signal_remaining; };
struct PcanGainControlConfig { int enable_pcan; float strength; float offset; int gain_bits; };
struct LogScaleConfig { int enable_log; int scale_shift; };
struct FrontendConfig {
    struct WindowConfig window;
    struct FilterbankConfig filterbank;
    struct NoiseReductionConfig noise_reduction;
    struct PcanGainControlConfig pcan_gain_control;
    struct LogScaleConfig log_scale;
};
struct FrontendOutput { const uint16_t *values; size_t size; };

/* FrontendState is opaque here: only its address is passed. 4 KiB is far more than it needs. */
typedef union { unsigned char bytes[4096]; long double align; } FrontendStateStorage;

typedef int (*PopulateFn)(const struct FrontendConfig *, void *, int);
typedef struct FrontendOutput (*ProcessFn)(void *, const int16_t *, size_t, size_t *);
typedef void (*FreeFn)(void *);

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s LIBPYTHON EXTENSION AUDIO.s16le REPETITIONS\n", argv[0]);
        return 2;
    }
    if (!dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL)) {
        fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
        return 1;
    }
    void *extension = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
    if (!extension) {
        fprintf(stderr, "cannot load %s: %s\n", argv[2], dlerror());
        return 1;
    }
    PopulateFn populate = (PopulateFn)dlsym(extension, "FrontendPopulateState");
    ProcessFn process = (ProcessFn)dlsym(extension, "FrontendProcessSamples");
    FreeFn release = (FreeFn)dlsym(extension, "FrontendFreeStateContents");
    if (!populate || !process || !release) {
        fprintf(stderr, "%s does not export the TFLM frontend functions\n", argv[2]);
        return 1;
    }

    FILE *file = fopen(argv[3], "rb");
    if (!file) { perror(argv[3]); return 1; }
    fseek(file, 0, SEEK_END);
    long bytes = ftell(file);
    fseek(file, 0, SEEK_SET);
    size_t count = (size_t)bytes / 2;
    int16_t *audio = malloc(count * sizeof(int16_t));
    if (!audio || fread(audio, sizeof(int16_t), count, file) != count) {
        fprintf(stderr, "cannot read %s\n", argv[3]);
        return 1;
    }
    fclose(file);
    int repetitions = atoi(argv[4]);
    if (repetitions < 1) repetitions = 1;

    /* pymicro-features 2.0.2's init_cfg(), value for value. */
    struct FrontendConfig config;
    memset(&config, 0, sizeof config);
    config.window.size_ms = 30;
    config.window.step_size_ms = 10;
    config.filterbank.num_channels = 40;
    config.filterbank.lower_band_limit = 125.0f;
    config.filterbank.upper_band_limit = 7500.0f;
    config.noise_reduction.smoothing_bits = 10;
    config.noise_reduction.even_smoothing = 0.025f;
    config.noise_reduction.odd_smoothing = 0.06f;
    config.noise_reduction.min_signal_remaining = 0.05f;
    config.pcan_gain_control.enable_pcan = 1;
    config.pcan_gain_control.strength = 0.95f;
    config.pcan_gain_control.offset = 80.0f;
    config.pcan_gain_control.gain_bits = 21;
    config.log_scale.enable_log = 1;
    config.log_scale.scale_shift = 6;

    const size_t chunk = 160;
    double *timings = malloc(sizeof(double) * (size_t)repetitions);
    uint64_t hash = 0;
    size_t frames = 0;
    for (int r = 0; r < repetitions; ++r) {
        static FrontendStateStorage state;
        memset(&state, 0, sizeof state);
        if (!populate(&config, &state, 16000)) { fprintf(stderr, "FrontendPopulateState failed\n"); return 1; }
        uint64_t h = 0xcbf29ce484222325ULL;
        size_t n = 0;
        double start = now_seconds();
        for (size_t offset = 0; offset + chunk <= count; offset += chunk) {
            size_t read = 0;
            struct FrontendOutput output = process(&state, audio + offset, chunk, &read);
            for (size_t i = 0; i < output.size; ++i) {
                h = (h ^ (output.values[i] & 0xFF)) * 0x100000001b3ULL;
                h = (h ^ (output.values[i] >> 8)) * 0x100000001b3ULL;
            }
            n += output.size ? 1 : 0;
        }
        timings[r] = now_seconds() - start;
        release(&state);
        hash = h;
        frames = n;
    }
    qsort(timings, (size_t)repetitions, sizeof(double), compare_doubles);
    double seconds = (double)count / 16000.0;
    double best = timings[0], median = timings[repetitions / 2];
    printf("pymicro-features C++ core: %.1f s of audio, %zu frames, chunk 160: best %.3f s (median %.3f s) "
           "= %.1f us per second of audio, %.0fx real time\n",
           seconds, frames, best, median, best / seconds * 1e6, seconds / best);
    printf("RESULT impl=pymicro_core audio_seconds=%.3f frames=%zu best_s=%.6f median_s=%.6f "
           "us_per_audio_second=%.3f output_fnv1a=%016llx\n",
           seconds, frames, best, median, best / seconds * 1e6, (unsigned long long)hash);
    return 0;
}
