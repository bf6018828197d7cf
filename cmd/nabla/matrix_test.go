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
			stdout: `{"input":"A x","wrt":"A","order":1,"result":"df = dA x","latex":"\\mathrm{d}f = \\mathrm{d}A x","shape":[4,4,3],"index":"∂f_i/∂A_pq = δ_ip x_q","index_latex":"\\frac{\\partial f_{i}}{\\partial A_{pq}} = \\delta_{ip} x_{q}","value":[[[1,2,3],[0,0,0],[0,0,0],[0,0,0]],[[0,0,0],[1,2,3],[0,0,0],[0,0,0]],[[0,0,0],[0,0,0],[1,2,3],[0,0,0]],[[0,0,0],[0,0,0],[0,0,0],[1,2,3]]]}` + "\n"},
		{name: "Gram matrix", args: []string{"diff", "R' R", "--matrix", "R", "--wrt", "R"},
			stdout: "df = Rᵀ dR + dRᵀ R\n∂f_pq/∂R_ij = R_ip δ_jq + δ_pj R_iq\n"},
		{name: "transpose of a product", args: []string{"simplify", "(A B)'", "--matrix", "A,B"},
			stdout: "Bᵀ Aᵀ\n"},
		{name: "zero gradient", args: []string{"grad", "sum(y)", "--vector", "x,y", "--wrt", "x", "--format", "json"},
			stdout: `{"input":"sum(y)","wrt":"x","order":1,"result":"0","latex":"\\mathbf{0}","shape":[1,"n"],"notes":["x does not occur in the expression, so the derivative with respect to it is 0 (its variables: y)"]}` + "\n",
			stderr: "nabla: note: x does not occur in the expression, so the derivative with respect to it is 0 (its variables: y)\n"},
		{name: "constant matrix", args: []string{"simplify", "exp(A - A) + 2sin(A - A)", "--matrix", "A"},
			stdout: "ones onesᵀ\n"},
		{name: "shape error", args: []string{"diff", "x + A", "--vector", "x", "--matrix", "A"},
			stderr: "nabla: 1:3: cannot add vector x (m) and matrix A (n×p)\n  x + A\n    ^\n", status: 2},
		{name: "singular matrix", args: []string{"eval", "inv(A)", "--matrix", "A", "--at", "A=[[1,2],[2,4]]"},
			stderr: "nabla: singular matrix in inv(A)\n", status: 1},
		{name: "sizes that disagree", args: []string{"eval", "A x", "--matrix", "A", "--vector", "x", "--at", "A=[[1,2],[3,4]]", "--at", "x=[1,1,1]"},
			stderr: "nabla: A has 2 columns but x has 3 entries, and both are the size n\n", status: 2},
		{name: "fixed size", args: []string{"diff", "A x", "--matrix", "A", "--vector", "x", "--wrt", "x", "--dim", "m=3", "--dim", "n=2", "--format", "json"},
			stdout: `{"input":"A x","wrt":"x","order":1,"result":"A","latex":"A","shape":[3,2]}` + "\n"},
		{name: "--dim of a size the expression ties to another", args: []string{"diff", "det(A)", "--matrix", "A", "--dim", "m=2", "--dim", "n=3"},
			stderr: "nabla: --dim: no size is named n: the sizes are m\n", status: 2},
		{name: "--chain with vectors", args: []string{"diff", "sin(u) where u = a' t", "--vector", "a,t", "--wrt", "t", "--chain"},
			stdout: "∂f/∂u = cos(u)  (a scalar)\n∂u/∂t = aᵀ  ∈ ℝ^(1×m)\n∂f/∂u ∂u/∂t = cos(u) aᵀ\ncos(aᵀ t) aᵀ\n"},
		{name: "an inner function of a vector", args: []string{"diff", "sin(u) where u = a' t", "--vector", "a,t", "--wrt", "t"},
			stdout: "cos(aᵀ t) aᵀ\n"},
		{name: "bad --dim", args: []string{"diff", "A x", "--matrix", "A", "--vector", "x", "--dim", "n"},
			stderr: "nabla: --dim \"n\": expected NAME=SIZE with a positive whole SIZE, e.g. --dim n=3\n", status: 2},
	})
}

// TestSizeMessages checks that values whose sizes disagree are named,
// each with its size, whichever program finds it: a derivative that has
// lost one of the variables (∂(cᵀx)/∂x = cᵀ has no x) included; and that
// an entry beyond a value is said as written, x[3], not as the unit
// vector of its derivative.
func TestSizeMessages(t *testing.T) {
	runAll(t, []cliCase{
		{name: "gradient without the variable", args: []string{"diff", "c' x", "--vector", "c,x", "--wrt", "x", "--at", "c=[1,2,3]", "--at", "x=[0,0]"},
			stderr: "nabla: c has 3 entries but x has 2, and both are the size m\n", status: 2},
		{name: "value", args: []string{"eval", "c' x", "--vector", "c,x", "--at", "c=[1,2,3]", "--at", "x=[0,0]"},
			stderr: "nabla: c has 3 entries but x has 2, and both are the size m\n", status: 2},
		{name: "matrix times vector", args: []string{"diff", "A x", "--matrix", "A", "--vector", "x", "--wrt", "x", "--at", "A=[[1,2],[3,4]]", "--at", "x=[1,2,3]"},
			stderr: "nabla: A has 2 columns but x has 3 entries, and both are the size n\n", status: 2},
		{name: "bilinear form", args: []string{"diff", "a' X b", "--vector", "a,b", "--matrix", "X", "--wrt", "X", "--at", "a=[1,2]", "--at", "b=[1,2,3]", "--at", "X=[[1,2],[3,4]]"},
			stderr: "nabla: X has 2 columns but b has 3 entries, and both are the size n\n", status: 2},
		{name: "entry out of range", args: []string{"diff", "x[3]", "--vector", "x", "--at", "x=[1,2]"},
			stderr: "nabla: size mismatch in x[3]: index 3 out of range 1…2\n", status: 2},
		{name: "entry of a matrix out of range", args: []string{"diff", "A[2,3]", "--matrix", "A", "--at", "A=[[1,2],[3,4]]"},
			stderr: "nabla: size mismatch in A[2, 3]: index 3 out of range 1…2\n", status: 2},
		{name: "entry out of range in a gradient", args: []string{"grad", "x[3] + y", "--vector", "x", "--at", "x=[1,2]", "--at", "y=1"},
			stderr: "nabla: size mismatch in x[3]: index 3 out of range 1…2\n", status: 2},
		{name: "starting point", args: []string{"minimize", "||y - Φ θ||^2", "--vector", "y,θ", "--matrix", "Φ", "--from", "θ=[0,0,0]", "--at", "Φ=[[1,2],[3,4]]", "--at", "y=[1,2]", "--iters", "1"},
			stderr: "nabla: --from θ: the size n is set to 3, but Φ has 2 columns\n", status: 2},
	})
}
