package mock

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strings"
)

// serveTokenize answers POST /tokenize with the mock's stand-in tokenizer,
// the word count its generation endpoints report as prompt_tokens: a text
// counts here exactly what its prompt would count there. The shape follows
// the body, as the servers' do:
//
//   - {"prompt": "…"} or {"messages": [...]}: vLLM's (and SGLang's)
//     {"count", "max_model_len", "tokens"};
//   - {"content": "…"}: llama.cpp's {"tokens": [...]} (pieces with
//     "with_pieces");
//   - {"inputs": "…"}, or the path under /tgi/: TGI's list of
//     {"id", "text", "start", "stop"}.
//
// The stand-in has no special tokens, so add_special_tokens and add_special
// change nothing. A word's id is a hash of it: stable, but not a vocabulary.
func (s *Server) serveTokenize(w http.ResponseWriter, r *http.Request, tgi bool) {
	if !allowMethod(w, r, http.MethodPost) {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		writeOpenAIError(w, http.StatusBadRequest, "BadRequestError", fmt.Sprintf("reading body: %v", err))
		return
	}
	var req struct {
		Prompt     *string           `json:"prompt"`
		Messages   []json.RawMessage `json:"messages"`
		Content    *string           `json:"content"`
		WithPieces bool              `json:"with_pieces"`
		Inputs     *string           `json:"inputs"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeOpenAIError(w, http.StatusBadRequest, "BadRequestError", fmt.Sprintf("invalid JSON body: %v", err))
		return
	}
	switch {
	case tgi || req.Inputs != nil:
		if req.Inputs == nil {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "missing field `inputs`", "error_type": "validation"}, nil)
			return
		}
		type simpleToken struct {
			ID    uint32 `json:"id"`
			Text  string `json:"text"`
			Start int    `json:"start"`
			Stop  int    `json:"stop"`
		}
		toks := []simpleToken{}
		eachWord(*req.Inputs, func(word string, start, stop int) {
			toks = append(toks, simpleToken{ID: wordID(word), Text: word, Start: start, Stop: stop})
		})
		writeJSON(w, http.StatusOK, toks, nil)
	case req.Content != nil:
		toks := []any{}
		eachWord(*req.Content, func(word string, _, _ int) {
			if req.WithPieces {
				toks = append(toks, map[string]any{"id": wordID(word), "piece": word})
			} else {
				toks = append(toks, wordID(word))
			}
		})
		writeJSON(w, http.StatusOK, map[string]any{"tokens": toks}, nil)
	case req.Prompt != nil || req.Messages != nil:
		ids := []uint32{}
		add := func(word string, _, _ int) { ids = append(ids, wordID(word)) }
		if req.Prompt != nil {
			eachWord(*req.Prompt, add)
		}
		for i, m := range req.Messages {
			// The words of each content, as the chat endpoint counts them.
			var msg struct {
				Content json.RawMessage `json:"content"`
			}
			if err := json.Unmarshal(m, &msg); err != nil {
				writeOpenAIError(w, http.StatusBadRequest, "BadRequestError", fmt.Sprintf("messages[%d]: %v", i, err))
				return
			}
			var text string
			var parts []struct {
				Text string `json:"text"`
			}
			switch {
			case len(msg.Content) == 0 || string(msg.Content) == "null":
			case json.Unmarshal(msg.Content, &text) == nil:
				eachWord(text, add)
			case json.Unmarshal(msg.Content, &parts) == nil:
				for _, p := range parts {
					eachWord(p.Text, add)
				}
			default:
				writeOpenAIError(w, http.StatusBadRequest, "BadRequestError", fmt.Sprintf("messages[%d].content: want a string or an array of parts", i))
				return
			}
		}
		maxLen := 0
		if s.engine != nil {
			maxLen = s.engine.model.MaxModelLen
		}
		writeJSON(w, http.StatusOK, map[string]any{"count": len(ids), "max_model_len": maxLen, "tokens": ids}, nil)
	default:
		writeOpenAIError(w, http.StatusBadRequest, "BadRequestError", "want prompt or messages (vLLM), content (llama.cpp) or inputs (TGI)")
	}
}

// eachWord calls f for each word countWords counts, with its byte span.
func eachWord(s string, f func(word string, start, stop int)) {
	start := -1
	for i := 0; i <= len(s); i++ {
		space := i == len(s) || strings.IndexByte(" \t\n\r\v\f", s[i]) >= 0
		switch {
		case space && start >= 0:
			f(s[start:i], start, i)
			start = -1
		case !space && start < 0:
			start = i
		}
	}
}

// wordID is a word's stand-in id.
func wordID(word string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(word))
	return h.Sum32() % 100000
}
