package calc

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/parse"
)

// Var is a variable to differentiate with respect to: a variable of the
// expression, or one entry of a vector or matrix variable (X[1, 2], the
// notes' X₁₂, 1-based).
type Var struct {
	Sym *expr.Node // the variable
	Idx []int      // the entry's indices; nil for the whole variable
}

// Name spells v as the syntax does: x, or X[1, 2].
func (v Var) Name() string {
	if v.Idx == nil {
		return v.Sym.Name()
	}
	parts := make([]string, len(v.Idx))
	for i, k := range v.Idx {
		parts[i] = strconv.Itoa(k)
	}
	return v.Sym.Name() + "[" + strings.Join(parts, ", ") + "]"
}

// scalar reports whether v is a scalar: a scalar variable or an entry.
func (v Var) scalar() bool { return v.Idx != nil || v.Sym.Shape().IsScalar() }

// rank is the rank of v's shape.
func (v Var) rank() int {
	if v.Idx != nil {
		return 0
	}
	return v.Sym.Shape().Rank()
}

// directions returns the direction of the entry v in the space of its
// variable, as unit matrices to add: E_ij, and E_ji too for an entry off
// the diagonal of a symmetric matrix, whose two entries are one variable.
func (v Var) directions() []*expr.Node {
	s := v.Sym.Shape()
	es := []*expr.Node{expr.Unit(s, v.Idx...)}
	if v.Sym.IsSymmetric() && len(v.Idx) == 2 && v.Idx[0] != v.Idx[1] {
		es = append(es, expr.Unit(s, v.Idx[1], v.Idx[0]))
	}
	return es
}

// splitEntry splits "X[1,2]" into the name and the 1-based indices;
// idx is nil for a plain name.
func splitEntry(s string) (name string, idx []int, err error) {
	open := strings.IndexByte(s, '[')
	if open < 0 {
		return s, nil, nil
	}
	if !strings.HasSuffix(s, "]") {
		return "", nil, fmt.Errorf("cannot differentiate with respect to %q: write an entry as X[1,2]", s)
	}
	name = strings.TrimSpace(s[:open])
	for _, part := range strings.Split(s[open+1:len(s)-1], ",") {
		k, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || k < 1 {
			return "", nil, fmt.Errorf("cannot differentiate with respect to %q: an entry's indices are whole numbers from 1, as in X[1,2]", s)
		}
		idx = append(idx, k)
	}
	return name, idx, nil
}

// variables resolves the names of wrt to variables of f: the one in f's
// graph, else a declared vector or matrix that f does not use, else a
// scalar. An entry X[i, j] must fit its variable's shape.
func variables(f *expr.Node, decl map[string]expr.Shape, wrt []string, several bool) ([]Var, error) {
	return variablesInto(nil, f, decl, wrt, several)
}

// variablesInto is variables, with the variables appended to buf when it
// has room.
func variablesInto(buf []Var, f *expr.Node, decl map[string]expr.Shape, wrt []string, several bool) ([]Var, error) {
	if len(wrt) == 0 {
		return nil, errors.New("no variables to differentiate with respect to")
	}
	var inF map[string]*expr.Node // made when a name needs the walk
	var seen map[string]bool      // made for several names
	if len(wrt) > 1 {
		seen = make(map[string]bool, len(wrt))
	}
	vars := buf[:0]
	if cap(vars) < len(wrt) {
		vars = make([]Var, 0, len(wrt))
	}
	vars = vars[:len(wrt)]
	for i, w := range wrt {
		name, idx, err := splitEntry(w)
		if err != nil {
			return nil, err
		}
		if !parse.IsName(name) {
			if _, declared := decl[name]; !declared && !usesName(f, name) {
				return nil, fmt.Errorf("cannot differentiate with respect to %q: not a variable name", w)
			}
		}
		if seen != nil {
			key := name
			if idx != nil {
				key = Var{Sym: expr.NewSym(name, expr.Scalar), Idx: idx}.Name()
			}
			if seen[key] && several {
				return nil, fmt.Errorf("%s is named twice", key)
			}
			seen[key] = true
		}
		var x *expr.Node
		switch {
		case decl == nil:
			x = expr.NewSym(name, expr.Scalar) // without declarations every variable is a scalar
		case len(wrt) == 1:
			x = Variable(f, decl, name)
		default:
			if inF == nil {
				inF = map[string]*expr.Node{}
				for _, v := range expr.Vars(f) {
					inF[v.Name()] = v
				}
			}
			if x = inF[name]; x == nil {
				x = Variable(nil, decl, name)
			}
		}
		vars[i] = Var{Sym: x, Idx: idx}
		if idx != nil {
			if err := checkEntry(vars[i], w); err != nil {
				return nil, err
			}
		}
	}
	return vars, nil
}

// checkEntry checks that the indices of an entry fit its variable.
func checkEntry(v Var, w string) error {
	s := v.Sym.Shape()
	if s.IsScalar() {
		return fmt.Errorf("cannot differentiate with respect to %s: %s is a scalar, so it has no entries", w, v.Sym.Name())
	}
	if len(v.Idx) != s.Rank() {
		return fmt.Errorf("cannot differentiate with respect to %s: %s is a %s, which takes %d indices", w, v.Sym.Name(), s.Describe(), s.Rank())
	}
	for i, k := range v.Idx {
		if d := s.Dim(i); d.N > 0 && k > d.N {
			return fmt.Errorf("cannot differentiate with respect to %s: index %d out of range 1…%d", w, k, d.N)
		}
	}
	return nil
}

// Variable returns the variable of f with the given name: the one in f's
// graph, else a declared vector or matrix that f does not use, else a
// scalar.
func Variable(f *expr.Node, decl map[string]expr.Shape, name string) *expr.Node {
	if f != nil {
		if x := expr.Find(f, func(m *expr.Node) bool { return m.Op() == expr.OpSym && m.Name() == name }); x != nil {
			return x
		}
	}
	if s, ok := decl[name]; ok {
		return expr.NewSym(name, s)
	}
	return expr.NewSym(name, expr.Scalar)
}

func usesName(f *expr.Node, name string) bool {
	return f != nil && expr.Find(f, func(m *expr.Node) bool { return m.Op() == expr.OpSym && m.Name() == name }) != nil
}

// AbsentError reports a variable to differentiate with respect to that
// the expression does not have: the derivative with respect to it is
// zero, which may be meant (d/dy sin(x) = 0) or a misspelling.
type AbsentError struct {
	Name     string   // the variable as asked for
	Vars     []string // the variables the expression has, in the order of expr.CompareNames
	Suggests []string // the nearest of them in spelling
}

// Error describes the absence, with the nearest spelling.
func (e *AbsentError) Error() string {
	return e.Name + " does not occur in the expression, so the derivative with respect to it is 0" + e.Hint()
}

// Hint is what the message says after the absence: the nearest spelling,
// or the expression's variables.
func (e *AbsentError) Hint() string {
	switch {
	case len(e.Suggests) > 0:
		return "; did you mean " + strings.Join(e.Suggests, " or ") + "?"
	case len(e.Vars) > 0:
		return " (its variables: " + strings.Join(e.Vars, ", ") + ")"
	}
	return " (it has no variables)"
}

// Absent returns the AbsentError of the name that an expression with the
// variables vars (in the order of expr.CompareNames) does not have.
func Absent(name string, vars []string) *AbsentError {
	return &AbsentError{Name: name, Vars: vars, Suggests: nearest(name, vars)}
}

// absent returns an AbsentError for each variable of vars that f does not
// have.
func absent(f *expr.Node, vars []Var) []error {
	if len(vars) == 0 || len(vars) == 1 && expr.DependsOn(f, vars[0].Sym) {
		return nil // without building the set of names
	}
	var names []string
	have := map[string]bool{}
	for _, v := range expr.Vars(f) {
		names = append(names, v.Name())
		have[v.Name()] = true
	}
	var out []error
	for _, v := range vars {
		if have[v.Sym.Name()] {
			continue
		}
		if !slices.IsSortedFunc(names, expr.CompareNames) {
			expr.SortNames(names)
		}
		out = append(out, &AbsentError{Name: v.Sym.Name(), Vars: names, Suggests: nearest(v.Sym.Name(), names)})
	}
	return out
}

// notFunctions refuses a variable to differentiate with respect to that
// f does not have as a variable because it applies it as a declared
// function: absent holds the variables f does not have.
func notFunctions(f *expr.Node, absent []error) error {
	for _, err := range absent {
		a, ok := err.(*AbsentError)
		if !ok {
			continue
		}
		declared := expr.Find(f, func(m *expr.Node) bool {
			return m.Info().Class == expr.Declared && m.Name() == a.Name
		})
		if declared != nil {
			return fmt.Errorf("cannot differentiate with respect to %s: it is an abstract function, not a variable", a.Name)
		}
	}
	return nil
}

// greekNames spells the Greek letters in Latin, as people type them.
var greekNames = map[string]string{
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η",
	"theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
	"omicron": "ο", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ",
	"chi": "χ", "psi": "ψ", "omega": "ω",
	"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
	"Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}

// nearest returns the names of have closest to name: the same name in
// Greek or in Latin letters (theta and θ), the same up to case, or within
// a small edit distance.
func nearest(name string, have []string) []string {
	var out []string
	for _, h := range have {
		if translit(h) == translit(name) || strings.EqualFold(h, name) {
			out = append(out, h)
		}
	}
	if len(out) > 0 {
		return out
	}
	best := utf8.RuneCountInString(name) / 3 // no guesses for short names
	for _, h := range have {
		switch d := parse.EditDistance(name, h); {
		case d < best:
			best, out = d, []string{h}
		case d == best && d > 0:
			out = append(out, h)
		}
	}
	return out
}

// translit spells the Greek letters of s in Latin: θ1 is theta1.
func translit(s string) string {
	var b strings.Builder
	for _, r := range s {
		found := false
		if unicode.Is(unicode.Greek, r) {
			for latin, greek := range greekNames {
				if greek == string(r) {
					b.WriteString(latin)
					found = true
					break
				}
			}
		}
		if !found {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// UnsupportedError reports a derivative nabla cannot compute, as opposed
// to a question asked wrongly.
type UnsupportedError struct {
	Msg string
	// Err is the reason where it has a type of its own: a
	// *diff.NoRealDerivativeError for a derivative that does not exist
	// over the reals.
	Err error
}

// Error returns the message.
func (e *UnsupportedError) Error() string { return e.Msg }

// Unwrap returns the reason.
func (e *UnsupportedError) Unwrap() error { return e.Err }

func unsupportedf(format string, args ...any) error {
	return &UnsupportedError{Msg: fmt.Sprintf(format, args...)}
}
