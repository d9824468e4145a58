/*
 * Dumps a sphinxbase trie-format LM (pocketsphinx-en-us's en-us.lm.bin) as ARPA text, with the n-gram counts the
 * trie walk yields. Debian's sphinx_lm_convert aborts on that file (an assertion: the walk finds 2,051,541 bigrams,
 * the header says 2,051,547). Built and run by cmu_word_lm.sh against libsphinxbase and its source's private headers.
 * Usage: trie_to_arpa IN.lm.bin OUT.arpa
 */
#include <stdio.h>
#include <stdlib.h>
#include <sphinxbase/ngram_model.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/ckd_alloc.h>
#include "lm/ngram_model_internal.h"
#include "lm/ngram_model_trie.h"
#include "lm/ngrams_raw.h"
int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: trie_to_arpa IN.lm.bin OUT.arpa\n"); return 2; }
  logmath_t *lmath = logmath_init(1.0001, 0, 0);
  ngram_model_t *base = ngram_model_read(NULL, argv[1], NGRAM_AUTO, lmath);
  if (!base) { fprintf(stderr, "cannot read %s\n", argv[1]); return 1; }
  ngram_model_trie_t *model = (ngram_model_trie_t *) base;
  FILE *fp = fopen(argv[2], "w");
  ngram_raw_t *raws[NGRAM_MAX_ORDER + 1]; uint32 got[NGRAM_MAX_ORDER + 1]; /* indexed by order */
  for (int i = 2; i <= base->n; ++i) {
    size_t cap = (size_t) base->n_counts[i - 1] * 2 + 1000000;
    raws[i] = calloc(cap, sizeof(ngram_raw_t));
    uint32 idx = 0, hist[NGRAM_MAX_ORDER]; node_range_t range = {0, 0};
    lm_trie_fill_raw_ngram(model->trie, raws[i], &idx, base->n_counts, range, hist, 0, i, base->n);
    got[i] = idx;
    fprintf(stderr, "order %d: header %u, walked %u\n", i, base->n_counts[i - 1], idx);
    qsort(raws[i], idx, sizeof(ngram_raw_t), &ngram_ord_comparator);
  }
  fprintf(fp, "\\data\\\nngram 1=%u\n", base->n_counts[0]);
  for (int i = 2; i <= base->n; ++i) fprintf(fp, "ngram %d=%u\n", i, got[i]);
  fprintf(fp, "\n\\1-grams:\n");
  for (uint32 j = 0; j < base->n_counts[0]; j++) {
    unigram_t *u = &model->trie->unigrams[j];
    fprintf(fp, "%.4f\t%s\t%.4f\n", logmath_log_float_to_log10(lmath, u->prob), base->word_str[j], logmath_log_float_to_log10(lmath, u->bo));
  }
  for (int i = 2; i <= base->n; ++i) {
    fprintf(fp, "\n\\%d-grams:\n", i);
    for (uint32 j = 0; j < got[i]; j++) {
      fprintf(fp, "%.4f", logmath_log_float_to_log10(lmath, raws[i][j].prob));
      for (int k = 0; k < i; k++) fprintf(fp, "\t%s", base->word_str[raws[i][j].words[k]]);
      if (i < base->n) fprintf(fp, "\t%.4f", logmath_log_float_to_log10(lmath, raws[i][j].backoff));
      fprintf(fp, "\n");
    }
  }
  fprintf(fp, "\n\\end\\\n");
  return fclose(fp);
}
