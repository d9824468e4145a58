"""Model definitions shared by training, export and evaluation."""
import torch
import torch.nn as nn
import torch.nn.functional as F

# Token inventories (see models/README.md).
# CTC (NeMo layout): word boundary "▁", letters, apostrophe, blank "<blk>" LAST.
# Transducer (icefall layout): blank "<blk>" FIRST (id 0), then the same symbols.
# Either may have BPE word pieces instead (word_pieces.WordPieces: CTC <unk>, pieces, <blk> last; transducer
# <blk>, <unk>, pieces).
SYMBOLS = ["\u2581"] + [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["'"]
CTC_TOKENS = SYMBOLS + ["<blk>"]
RNNT_TOKENS = ["<blk>"] + SYMBOLS


def text_to_ids(text, tokens):
    if hasattr(tokens, "encode_text"):  # word pieces (word_pieces.WordPieces)
        return tokens.encode_text(text)
    idx = {t: i for i, t in enumerate(tokens)}
    return [idx["\u2581" if c == " " else c] for c in text if (c == " " or c in idx)]


def ids_to_text(ids, tokens):
    """Characters or word pieces ("▁the"): every "▁" is a space; special tokens ("<unk>") spell nothing."""
    return "".join("" if tokens[i].startswith("<") and tokens[i].endswith(">") else tokens[i].replace("\u2581", " ")
                   for i in ids).strip()


def out_lengths(lengths):
    """Frames after the two stride-2 convolutions: ceil(ceil(T/2)/2)."""
    return ((lengths + 1) // 2 + 1) // 2


class Block(nn.Module):
    def __init__(self, d, k, expand=2, dropout=0.1):
        super().__init__()
        self.dw = nn.Conv1d(d, d, k, padding=k // 2, groups=d)
        self.bn = nn.BatchNorm1d(d)
        self.pw1 = nn.Conv1d(d, d * expand, 1)
        self.pw2 = nn.Conv1d(d * expand, d, 1)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, mask):
        y = self.bn(self.dw(x))
        y = self.pw2(F.silu(self.pw1(F.silu(y))))
        return (x + self.drop(y)) * mask


class ConvEncoder(nn.Module):
    """(B, 80, T) features -> (B, d, T') with T' = ceil(ceil(T/2)/2) (subsampling factor 4)."""

    def __init__(self, idim=80, d=192, nblocks=10, k=15, input_bn=False, dropout=0.1, expand=2):
        super().__init__()
        self.input_bn = nn.BatchNorm1d(idim) if input_bn else None
        self.c1 = nn.Conv1d(idim, d, 5, stride=2, padding=2)
        self.b1 = nn.BatchNorm1d(d)
        self.c2 = nn.Conv1d(d, d, 3, stride=2, padding=1)
        self.b2 = nn.BatchNorm1d(d)
        self.blocks = nn.ModuleList([Block(d, k, expand=expand, dropout=dropout) for _ in range(nblocks)])
        self.d = d

    @staticmethod
    def _mask(lengths, T, dtype):
        return (torch.arange(T, device=lengths.device)[None, :] < lengths[:, None]).to(dtype).unsqueeze(1)

    def forward(self, x, lengths):
        T = x.shape[2]
        x = x * self._mask(lengths, T, x.dtype)
        if self.input_bn is not None:
            x = self.input_bn(x) * self._mask(lengths, T, x.dtype)
        l1 = (lengths + 1) // 2
        x = F.silu(self.b1(self.c1(x)))
        x = x * self._mask(l1, x.shape[2], x.dtype)
        l2 = (l1 + 1) // 2
        x = F.silu(self.b2(self.c2(x)))
        m = self._mask(l2, x.shape[2], x.dtype)
        x = x * m
        for b in self.blocks:
            x = b(x, m)
        return x, l2


class CtcModel(nn.Module):
    def __init__(self, d=192, nblocks=10, k=15, vocab=len(CTC_TOKENS), expand=2):
        super().__init__()
        self.encoder = ConvEncoder(80, d, nblocks, k, expand=expand)
        self.head = nn.Conv1d(d, vocab, 1)

    def forward(self, audio_signal, length):
        """audio_signal (B, 80, T) normalised NeMo features, length (B,) int64 -> logprobs (B, T', V)."""
        h, hl = self.encoder(audio_signal, length)
        return F.log_softmax(self.head(h), dim=1).transpose(1, 2), hl


class Decoder(nn.Module):
    """icefall-style stateless prediction network: embedding + grouped conv over context_size tokens."""

    def __init__(self, vocab, d=192, jdim=64, context_size=2):
        super().__init__()
        self.context_size = context_size
        self.embedding = nn.Embedding(vocab, d)
        self.conv = nn.Conv1d(d, d, context_size, groups=d // 4, bias=False)
        self.proj = nn.Linear(d, jdim)

    def forward(self, y):
        """y (B, U) int64 already left-padded with context_size-1 blanks -> (B, U-context_size+1, jdim)."""
        e = self.embedding(y).transpose(1, 2)
        e = F.relu(self.conv(e)).transpose(1, 2)
        return self.proj(e)


class Joiner(nn.Module):
    def __init__(self, jdim, vocab):
        super().__init__()
        self.out = nn.Linear(jdim, vocab)

    def forward(self, enc, dec):
        return self.out(torch.tanh(enc + dec))


class TransducerModel(nn.Module):
    def __init__(self, d=192, nblocks=10, k=15, vocab=len(RNNT_TOKENS), jdim=64, context_size=2, expand=2):
        super().__init__()
        self.encoder = ConvEncoder(80, d, nblocks, k, input_bn=True, expand=expand)
        self.enc_proj = nn.Conv1d(d, jdim, 1)
        self.decoder = Decoder(vocab, d, jdim, context_size)
        self.joiner = Joiner(jdim, vocab)
        self.ctc_head = nn.Conv1d(d, vocab, 1)  # auxiliary loss only; not exported
        self.context_size = context_size
        self.vocab = vocab

    def encode(self, x, x_lens):
        """x (B, T, 80) kaldi fbank -> encoder_out (B, T', jdim), lens."""
        h, hl = self.encoder(x.transpose(1, 2), x_lens)
        return self.enc_proj(h).transpose(1, 2), hl, h
