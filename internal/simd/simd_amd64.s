//go:build amd64 && !purego

#include "textflag.h"

// func cpuid(eax, ecx uint32) (a, b, c, d uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eax+0(FP), AX
	MOVL ecx+4(FP), CX
	CPUID
	MOVL AX, a+8(FP)
	MOVL BX, b+12(FP)
	MOVL CX, c+16(FP)
	MOVL DX, d+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// func addAVX2(dst, a, b []float64)
TEXT ·addAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX
add8:
	CMPQ AX, BX
	JGE addtail
	VMOVUPD (SI)(AX*8), Y0
	VMOVUPD 32(SI)(AX*8), Y1
	VADDPD (DX)(AX*8), Y0, Y0
	VADDPD 32(DX)(AX*8), Y1, Y1
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	ADDQ $8, AX
	JMP add8
addtail:
	CMPQ AX, CX
	JGE adddone
	VMOVSD (SI)(AX*8), X0
	VADDSD (DX)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP addtail
adddone:
	VZEROUPPER
	RET

// func mulAVX2(dst, a, b []float64)
TEXT ·mulAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX
mul8:
	CMPQ AX, BX
	JGE multail
	VMOVUPD (SI)(AX*8), Y0
	VMOVUPD 32(SI)(AX*8), Y1
	VMULPD (DX)(AX*8), Y0, Y0
	VMULPD 32(DX)(AX*8), Y1, Y1
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	ADDQ $8, AX
	JMP mul8
multail:
	CMPQ AX, CX
	JGE muldone
	VMOVSD (SI)(AX*8), X0
	VMULSD (DX)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP multail
muldone:
	VZEROUPPER
	RET

// func addScalarAVX2(dst, a []float64, c float64)
TEXT ·addScalarAVX2(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	VBROADCASTSD c+48(FP), Y2
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX
adds8:
	CMPQ AX, BX
	JGE addstail
	VADDPD (SI)(AX*8), Y2, Y0
	VADDPD 32(SI)(AX*8), Y2, Y1
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	ADDQ $8, AX
	JMP adds8
addstail:
	CMPQ AX, CX
	JGE addsdone
	VMOVSD (SI)(AX*8), X0
	VADDSD X2, X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP addstail
addsdone:
	VZEROUPPER
	RET

// func mulScalarAVX2(dst, a []float64, c float64)
TEXT ·mulScalarAVX2(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	VBROADCASTSD c+48(FP), Y2
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX
muls8:
	CMPQ AX, BX
	JGE mulstail
	VMULPD (SI)(AX*8), Y2, Y0
	VMULPD 32(SI)(AX*8), Y2, Y1
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	ADDQ $8, AX
	JMP muls8
mulstail:
	CMPQ AX, CX
	JGE mulsdone
	VMOVSD (SI)(AX*8), X0
	VMULSD X2, X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP mulstail
mulsdone:
	VZEROUPPER
	RET

// func sumAVX2(xs []float64) float64
// Four partial sums in one YMM register over the entries in steps of
// four, as tensor.SumOf keeps them in four variables; the rest added to
// the first; (s0 + s1) + (s2 + s3).
TEXT ·sumAVX2(SB), NOSPLIT, $0-32
	MOVQ xs_base+0(FP), SI
	MOVQ xs_len+8(FP), CX
	VXORPD Y0, Y0, Y0
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-4, BX
sum4:
	CMPQ AX, BX
	JGE sumsplit
	VADDPD (SI)(AX*8), Y0, Y0
	ADDQ $4, AX
	JMP sum4
sumsplit:
	// Y0 = [s0 s1 s2 s3]: s2, s3 to X1 before a 128-bit instruction
	// clears the upper half.
	VEXTRACTF128 $1, Y0, X1
sumtail:
	CMPQ AX, CX
	JGE sumdone
	VADDSD (SI)(AX*8), X0, X0
	INCQ AX
	JMP sumtail
sumdone:
	VHADDPD X0, X0, X0
	VHADDPD X1, X1, X1
	VADDSD X1, X0, X0
	VMOVSD X0, ret+24(FP)
	VZEROUPPER
	RET
