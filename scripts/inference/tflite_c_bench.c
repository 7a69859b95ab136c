// Times TensorFlow Lite's C library (libtensorflowlite_c.so, as shipped in the
// pymicro-wakeword wheel) on the same inputs EarshotInference's benchmark uses.
//
//   tflite_c_bench MODEL.tflite FIXTURE.bin REPEATS [THREADS]
//
// FIXTURE is an ERF1 tensor-record file (Tests/EarshotInferenceTests/Fixtures/README.md):
// every record whose size is a multiple of the model's input size is cut into input-sized
// steps. One pass invokes the model once per step, in order; the best pass of REPEATS is
// reported as nanoseconds per invocation. THREADS (default -1: the library's default,
// which is what pymicro-wakeword uses) is passed to TfLiteInterpreterOptionsSetNumThreads.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct TfLiteModel TfLiteModel;
typedef struct TfLiteInterpreterOptions TfLiteInterpreterOptions;
typedef struct TfLiteInterpreter TfLiteInterpreter;
typedef struct TfLiteTensor TfLiteTensor;

extern TfLiteModel* TfLiteModelCreateFromFile(const char* path);
extern void TfLiteModelDelete(TfLiteModel* model);
extern TfLiteInterpreterOptions* TfLiteInterpreterOptionsCreate(void);
extern void TfLiteInterpreterOptionsSetNumThreads(TfLiteInterpreterOptions* options, int32_t threads);
extern void TfLiteInterpreterOptionsDelete(TfLiteInterpreterOptions* options);
extern TfLiteInterpreter* TfLiteInterpreterCreate(const TfLiteModel* model, const TfLiteInterpreterOptions* options);
extern void TfLiteInterpreterDelete(TfLiteInterpreter* interpreter);
extern int TfLiteInterpreterAllocateTensors(TfLiteInterpreter* interpreter);
extern TfLiteTensor* TfLiteInterpreterGetInputTensor(const TfLiteInterpreter* interpreter, int32_t index);
extern const TfLiteTensor* TfLiteInterpreterGetOutputTensor(const TfLiteInterpreter* interpreter, int32_t index);
extern int TfLiteInterpreterInvoke(TfLiteInterpreter* interpreter);
extern size_t TfLiteTensorByteSize(const TfLiteTensor* tensor);
extern int TfLiteTensorCopyFromBuffer(TfLiteTensor* tensor, const void* data, size_t size);
extern int TfLiteTensorCopyToBuffer(const TfLiteTensor* tensor, void* data, size_t size);

static uint32_t u32(const unsigned char* p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s MODEL FIXTURE REPEATS [THREADS]\n", argv[0]);
    return 2;
  }
  int repeats = atoi(argv[3]);
  int threads = argc > 4 ? atoi(argv[4]) : -1;

  FILE* f = fopen(argv[2], "rb");
  if (!f) { perror(argv[2]); return 1; }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char* file = malloc(size);
  if (fread(file, 1, size, f) != (size_t)size) { fprintf(stderr, "short read\n"); return 1; }
  fclose(f);
  if (size < 8 || memcmp(file, "ERF1", 4) != 0) { fprintf(stderr, "not an ERF1 fixture\n"); return 1; }

  TfLiteModel* model = TfLiteModelCreateFromFile(argv[1]);
  if (!model) { fprintf(stderr, "cannot load %s\n", argv[1]); return 1; }
  TfLiteInterpreterOptions* options = TfLiteInterpreterOptionsCreate();
  TfLiteInterpreterOptionsSetNumThreads(options, threads);
  TfLiteInterpreter* interpreter = TfLiteInterpreterCreate(model, options);
  if (!interpreter || TfLiteInterpreterAllocateTensors(interpreter) != 0) { fprintf(stderr, "cannot prepare\n"); return 1; }
  TfLiteTensor* input = TfLiteInterpreterGetInputTensor(interpreter, 0);
  const TfLiteTensor* output = TfLiteInterpreterGetOutputTensor(interpreter, 0);
  size_t step = TfLiteTensorByteSize(input);
  size_t out_size = TfLiteTensorByteSize(output);
  unsigned char* out = malloc(out_size);

  // Collect input-sized steps.
  const unsigned char** steps = NULL;
  size_t count = 0, capacity = 0;
  uint32_t records = u32(file + 4);
  long at = 8;
  static const int element_size[] = {4, 2, 4, 1, 8, 0, 1, 2, 8, 1};
  for (uint32_t r = 0; r < records; r++) {
    int type = file[at], rank = file[at + 1];
    at += 4;
    size_t elements = 1;
    for (int d = 0; d < rank; d++) { elements *= u32(file + at); at += 4; }
    size_t bytes = elements * (type < 10 ? element_size[type] : 1);
    if (bytes % step == 0) {
      for (size_t o = 0; o < bytes; o += step) {
        if (count == capacity) { capacity = capacity ? 2 * capacity : 64; steps = realloc(steps, capacity * sizeof *steps); }
        steps[count++] = file + at + o;
      }
    }
    at += bytes;
  }
  if (count == 0) { fprintf(stderr, "no input-sized data in fixture\n"); return 1; }

  double best = 1e300;
  unsigned checksum = 0;
  for (int r = 0; r < repeats; r++) {
    double start = now_ns();
    for (size_t s = 0; s < count; s++) {
      TfLiteTensorCopyFromBuffer(input, steps[s], step);
      TfLiteInterpreterInvoke(interpreter);
      TfLiteTensorCopyToBuffer(output, out, out_size);
      checksum += out[0];
    }
    double per = (now_ns() - start) / count;
    if (per < best) best = per;
  }
  printf("%.1f ns/invoke (%zu invocations per pass, best of %d, checksum %u)\n", best, count, repeats, checksum);
  TfLiteInterpreterDelete(interpreter);
  TfLiteInterpreterOptionsDelete(options);
  TfLiteModelDelete(model);
  return 0;
}
