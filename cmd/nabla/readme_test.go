package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/nabla-math/nabla/internal/tensor"
)

// TestREADMEExamples runs every command ("$ nabla …", or printf piped
// into nabla) of the README's console blocks and compares what it prints, standard output and standard error
// together, with the lines that follow it. An example whose shown output is
// cut short ("…") is checked line by line up to the cut.
func TestREADMEExamples(t *testing.T) {
	if tensor.Backend != "gonum" {
		t.Skip("the README's last digits are those of gonum's BLAS, not " + tensor.Backend + "'s")
	}
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	examples := readmeExamples(string(data))
	if len(examples) < 20 {
		t.Fatalf("found %d examples in the README", len(examples))
	}
	for _, ex := range examples {
		t.Run(ex.command, func(t *testing.T) {
			t.Chdir("../..") // the README's paths are from the repository's root
			command, stdin := ex.command, ""
			if rest, ok := strings.CutPrefix(command, "printf '"); ok {
				// printf 'LINES' | nabla …: the lines on standard input.
				text, cmd, ok := strings.Cut(rest, "' | ")
				if !ok {
					t.Fatalf("cannot read the pipe in %q", command)
				}
				stdin, command = strings.ReplaceAll(text, `\n`, "\n"), cmd
			}
			command, quiet := strings.CutSuffix(command, " 2>/dev/null")
			args, err := shellWords(strings.TrimPrefix(command, "nabla "))
			if err != nil {
				t.Fatal(err)
			}
			var out, errs bytes.Buffer
			stderr := &out
			if quiet {
				stderr = &errs
			}
			run(args, strings.NewReader(stdin), &out, stderr)
			got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			for i, want := range ex.output {
				if i >= len(got) {
					t.Fatalf("output ends before line %d, %q", i+1, want)
				}
				if cut := strings.Index(want, "…"); cut >= 0 {
					// The README shows the start of a long line.
					if !strings.HasPrefix(got[i], want[:cut]) {
						t.Fatalf("line %d:\n%s\ndoes not start as shown:\n%s", i+1, got[i], want)
					}
					continue
				}
				if got[i] != want {
					t.Fatalf("line %d:\n%s\nwant:\n%s", i+1, got[i], want)
				}
			}
			if len(got) > len(ex.output) && !ex.cut {
				t.Fatalf("more output than shown: %q", got[len(ex.output):])
			}
		})
	}
}

type example struct {
	command string
	output  []string
	cut     bool // a line "…" stands for the rest of the output
}

// readmeExamples collects the commands and outputs of the console blocks.
func readmeExamples(readme string) []example {
	var out []example
	inConsole := false
	for _, line := range strings.Split(readme, "\n") {
		switch {
		case strings.HasPrefix(line, "```console"):
			inConsole = true
		case strings.HasPrefix(line, "```"):
			inConsole = false
		case !inConsole:
		case strings.HasPrefix(line, "$ "):
			out = append(out, example{command: strings.TrimPrefix(line, "$ ")})
		case len(out) > 0 && line == "…":
			out[len(out)-1].cut = true
		case len(out) > 0:
			out[len(out)-1].output = append(out[len(out)-1].output, line)
		}
	}
	return out
}

// shellWords splits a command line as a POSIX shell would for the quoting
// the README uses: words apart at spaces, '…' and "…" quoting.
func shellWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\'' || c == '"':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return nil, &unclosed{s}
			}
			w.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

type unclosed struct{ s string }

func (u *unclosed) Error() string { return "unclosed quote in " + u.s }
