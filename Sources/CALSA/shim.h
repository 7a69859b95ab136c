#ifndef EARSHOT_CALSA_SHIM_H
#define EARSHOT_CALSA_SHIM_H
#include <alsa/asoundlib.h>

/* alsa-lib prints its own diagnostics to stderr; Earshot reports errors itself. The
   handler type is variadic, which Swift cannot implement, so it lives here. */
static void earshot_alsa_discard_error(const char *file, int line, const char *function,
                                       int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}

static inline void earshot_alsa_silence_library_errors(void) {
    snd_lib_error_set_handler(earshot_alsa_discard_error);
}
#endif
