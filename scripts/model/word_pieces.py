"""Word-piece (BPE) tokens, as an alternative to characters (train_real.py --word-pieces N).

A SentencePiece BPE vocabulary is learnt once from the training transcripts (the same text the acoustic model is
trained on) and kept beside the run's checkpoints, so a resumed run and the exporter use the same pieces. The
token table is in the layout sherpa-onnx and the service read for the model's kind:
- CTC (NeMo BPE CTC): SentencePiece's ids in order (`<unk>` is 0, pieces start with `▁` at a word start), then
  `<blk>` last;
- transducer (icefall): `<blk>` first (id 0, the blank and the decoder's start context), then SentencePiece's ids
  shifted by one (`<unk>` 1, the pieces).

Deterministic: one thread, every sentence used, no sampling, so the same transcripts give the same pieces
(Debian's python3-sentencepiece, scripts/model/versions.txt).
"""
import os

import sentencepiece as spm


class WordPieces(list):
    """The token table (a list of symbols, as modeldefs.CTC_TOKENS or RNNT_TOKENS) that also encodes text into its
    ids; `kind` "ctc" puts <blk> last, "rnnt" first."""

    def __init__(self, model_path, kind="ctc"):
        self.sp = spm.SentencePieceProcessor(model_file=model_path)
        pieces = [self.sp.id_to_piece(i) for i in range(self.sp.get_piece_size())]
        if pieces[0] != "<unk>":
            raise ValueError(f"{model_path}: id 0 is {pieces[0]!r}, expected <unk>")
        self.offset = 1 if kind == "rnnt" else 0
        super().__init__(["<blk>"] + pieces if self.offset else pieces + ["<blk>"])

    def encode_text(self, text):
        """Normalized transcript ("a b c") -> piece ids (no <unk> in practice: every letter is a piece)."""
        return [i + self.offset for i in self.sp.encode(text)]


def train_word_pieces(texts, vocab_size, model_path, kind="ctc"):
    """Learns a BPE vocabulary of `vocab_size` pieces (<unk> included, <blk> not) from `texts`; writes
    `model_path` (a SentencePiece .model) unless it exists; returns its WordPieces for the model `kind`."""
    if not os.path.exists(model_path):
        corpus = model_path + ".txt"
        with open(corpus, "w", encoding="utf-8") as fh:
            for t in texts:
                if t.strip():
                    fh.write(t.strip() + "\n")
        prefix = model_path[:-len(".model")] + f".{os.getpid()}.tmp"
        spm.SentencePieceTrainer.train(
            input=corpus, model_prefix=prefix, model_type="bpe", vocab_size=vocab_size, character_coverage=1.0,
            bos_id=-1, eos_id=-1, unk_id=0, pad_id=-1, num_threads=1, input_sentence_size=0,
            shuffle_input_sentence=False, split_digits=True, minloglevel=2)
        os.replace(prefix + ".model", model_path)
        os.remove(prefix + ".vocab")
        os.remove(corpus)
    return WordPieces(model_path, kind)
