package main

import "testing"

func TestMatrixCommands(t *testing.T) {
	runAll(t, []cliCase{
		{name: "bilinear form", args: []string{"diff", "a' X b", "--vector", "a,b", "--matrix", "X", "--wrt", "X"},
			stdout: "a bᵀ\n"},
		{name: "bilinear form in LaTeX", args: []string{"diff", "a' X b", "--vector", "a,b", "--matrix", "X", "--wrt", "X", "--format", "latex"},
			stdout: "a b^{\\top}\n"},
		{name: "quadratic form in JSON", args: []string{"diff", "x' B x", "--vector", "x", "--matrix", "B", "--wrt", "x", "--format", "json"},
			stdout: `{"input":"x' B x","wrt":"x","order":1,"result":"xᵀ (B + Bᵀ)","latex":"x^{\\top} \\left(B + B^{\\top}\\right)","shape":[1,"m"]}` + "\n"},
		{name: "symmetric weight", args: []string{"diff", "x' W x", "--vector", "x", "--symmetric", "W", "--wrt", "x"},
			stdout: "2xᵀ W\n"},
		{name: "least squares", args: []string{"grad", "||y - Φ θ||^2", "--vector", "y,θ", "--matrix", "Φ", "--wrt", "θ"},
			stdout: "-2(y - Φ θ)ᵀ Φ\n"},
		{name: "gradient at a point", args: []string{"diff", "x' B x", "--vector", "x", "--matrix", "B", "--wrt", "x", "--at", "x=[1,2]", "--at", "B=[[1,2],[3,4]]"},
			stdout: "xᵀ (B + Bᵀ)\n[[12, 21]]\n"},
		{name: "jacobian of a linear map", args: []string{"jacobian", "A x", "--vector", "x", "--matrix", "A", "--wrt", "x"},
			stdout: "A\n"},
		{name: "hessian in matrix form", args: []string{"hessian", "||y - X w||^2", "--vector", "y,w", "--matrix", "X", "--wrt", "w"},
			stdout: "2Xᵀ X\n"},
		{name: "tensor", args: []string{"diff", "A x", "--matrix", "A", "--vector", "x", "--wrt", "A"},
			stdout: "df = dA x\n∂f_i/∂A_pq = δ_ip x_q\n"},
		{name: "tensor values", args: []string{"diff", "A x", "--matrix", "A", "--vector", "x", "--wrt", "A",
			"--at", "A=[[1,2,3],[4,5,6],[7,8,9],[1,1,1]]", "--at", "x=[1,2,3]", "--format", "json"},
			stdout: `{"input":"A x","wrt":"A","result":"df = dA x","latex":"\\mathrm{d}A x","shape":[4,4,3],"index":"∂f_i/∂A_pq = δ_ip x_q","value":[[[1,2,3],[0,0,0],[0,0,0],[0,0,0]],[[0,0,0],[1,2,3],[0,0,0],[0,0,0]],[[0,0,0],[0,0,0],[1,2,3],[0,0,0]],[[0,0,0],[0,0,0],[0,0,0],[1,2,3]]]}` + "\n"},
		{name: "Gram matrix", args: []string{"diff", "R' R", "--matrix", "R", "--wrt", "R"},
			stdout: "df = Rᵀ dR + dRᵀ R\n∂f_pq/∂R_ij = R_ip δ_jq + δ_pj R_iq\n"},
		{name: "transpose of a product", args: []string{"simplify", "(A B)'", "--matrix", "A,B"},
			stdout: "Bᵀ Aᵀ\n"},
		{name: "shape error", args: []string{"diff", "x + A", "--vector", "x", "--matrix", "A"},
			stderr: "nabla: 1:3: cannot add vector x (m) and matrix A (n×p)\n  x + A\n    ^\n", status: 2},
		{name: "singular matrix", args: []string{"eval", "inv(A)", "--matrix", "A", "--at", "A=[[1,2],[2,4]]"},
			stderr: "nabla: singular matrix in inv(A)\n", status: 1},
		{name: "sizes that disagree", args: []string{"eval", "A x", "--matrix", "A", "--vector", "x", "--at", "A=[[1,2],[3,4]]", "--at", "x=[1,1,1]"},
			stderr: "nabla: size n is 2 from A but 3 from x\n", status: 2},
		{name: "fixed size", args: []string{"diff", "A x", "--matrix", "A", "--vector", "x", "--wrt", "x", "--dim", "m=3", "--dim", "n=2", "--format", "json"},
			stdout: `{"input":"A x","wrt":"x","order":1,"result":"A","latex":"A","shape":[3,2]}` + "\n"},
		{name: "bad --dim", args: []string{"diff", "A x", "--matrix", "A", "--vector", "x", "--dim", "n"},
			stderr: "nabla: --dim \"n\": expected NAME=SIZE with a positive whole SIZE, e.g. --dim n=3\n", status: 2},
	})
}
