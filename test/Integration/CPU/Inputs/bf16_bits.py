"""Bit patterns in and out of the bf16-casts test.

  bf16_bits.py write PATH HEX...   save the f32 values with these bits
  bf16_bits.py print PATH          print the upper 16 bits of each f32 value
                                   (a bf16 result, written widened) as hex
"""
import sys

import numpy as np

if sys.argv[1] == "write":
    bits = np.array([int(h, 16) for h in sys.argv[3:]], dtype=np.uint32)
    np.save(sys.argv[2], bits.view(np.float32))
else:
    values = np.load(sys.argv[2]).astype(np.float32)
    bits = values.view(np.uint32)
    assert not (bits & 0xFFFF).any(), "not a widened bf16"
    print(" ".join("%04X" % (b >> 16) for b in bits))
