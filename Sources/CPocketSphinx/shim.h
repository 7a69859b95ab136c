#ifndef EARSHOT_CPOCKETSPHINX_SHIM_H
#define EARSHOT_CPOCKETSPHINX_SHIM_H
#include <stdlib.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/logmath.h>

/* cmd_ln_init is variadic, which Swift cannot call. This wrapper builds a decoder
   configuration from an argv-style list ("-hmm", DIR, "-lm", FILE, ...) against the
   decoder's own argument definitions, rejecting unknown names (strict). NULL on error. */
static inline cmd_ln_t *earshot_ps_config(int argc, char **argv) {
    return cmd_ln_parse_r(NULL, ps_args(), argc, argv, TRUE);
}

/* Turns off sphinxbase's logging to stderr for the whole process. */
static inline void earshot_ps_silence_logging(void) {
    err_set_logfp(NULL);
}

/* Posterior log-probability (in the decoder's log base) as a linear probability. */
static inline double earshot_ps_probability(ps_decoder_t *decoder, int32 log_probability) {
    return logmath_exp(ps_get_logmath(decoder), log_probability);
}

/* ps_lookup_word's result is malloc'ed; this frees it and answers whether the word exists. */
static inline int earshot_ps_has_word(ps_decoder_t *decoder, const char *word) {
    char *phones = ps_lookup_word(decoder, word);
    if (phones == NULL) return 0;
    free(phones);
    return 1;
}
#endif
