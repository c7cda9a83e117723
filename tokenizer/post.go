package tokenizer

import (
	"encoding/json"
	"fmt"

	"github.com/inferbench/inferbench/internal/jsonerr"
)

// postProcessor is what a post_processor adds around the ids of a single
// sequence when special tokens are asked for: the ids before and after.
type postProcessor struct {
	before, after []int32
}

// newPostProcessor reads TemplateProcessing (its "single" template),
// BertProcessing and RobertaProcessing (cls … sep), ByteLevel (nothing to
// add) and a Sequence of them.
func newPostProcessor(raw json.RawMessage) (postProcessor, error) {
	var pp postProcessor
	typ, ok, err := typeOf("post_processor", raw)
	if err != nil || !ok {
		return pp, err
	}
	switch typ {
	case "ByteLevel":
		return pp, nil
	case "TemplateProcessing":
		var j struct {
			Single []struct {
				SpecialToken *struct {
					ID string `json:"id"`
				} `json:"SpecialToken"`
				Sequence *struct {
					ID string `json:"id"`
				} `json:"Sequence"`
			} `json:"single"`
			SpecialTokens map[string]struct {
				IDs []int `json:"ids"`
			} `json:"special_tokens"`
		}
		if err := component("post_processor TemplateProcessing", raw, &j); err != nil {
			return pp, err
		}
		seen := false
		for _, it := range j.Single {
			switch {
			case it.Sequence != nil:
				if seen || it.Sequence.ID != "A" {
					return pp, fmt.Errorf("post_processor TemplateProcessing: the single template must hold sequence A once")
				}
				seen = true
			case it.SpecialToken != nil:
				st, ok := j.SpecialTokens[it.SpecialToken.ID]
				if !ok {
					return pp, fmt.Errorf("post_processor TemplateProcessing: special token %q is not in special_tokens", clip(it.SpecialToken.ID))
				}
				for _, id := range st.IDs {
					if id < 0 || id >= maxVocab {
						return pp, fmt.Errorf("post_processor TemplateProcessing: id %d out of range", id)
					}
					if seen {
						pp.after = append(pp.after, int32(id))
					} else {
						pp.before = append(pp.before, int32(id))
					}
				}
			}
		}
		if !seen {
			return pp, fmt.Errorf("post_processor TemplateProcessing: the single template must hold sequence A")
		}
		return pp, nil
	case "BertProcessing", "RobertaProcessing":
		var j struct {
			Sep [2]json.RawMessage `json:"sep"`
			Cls [2]json.RawMessage `json:"cls"`
		}
		if err := component("post_processor "+typ, raw, &j); err != nil {
			return pp, err
		}
		var cls, sep int
		if err := json.Unmarshal(j.Cls[1], &cls); err != nil {
			return pp, fmt.Errorf("post_processor %s: cls: %w", typ, jsonerr.TypeError(err))
		}
		if err := json.Unmarshal(j.Sep[1], &sep); err != nil {
			return pp, fmt.Errorf("post_processor %s: sep: %w", typ, jsonerr.TypeError(err))
		}
		if cls < 0 || cls >= maxVocab || sep < 0 || sep >= maxVocab {
			return pp, fmt.Errorf("post_processor %s: id out of range", typ)
		}
		return postProcessor{before: []int32{int32(cls)}, after: []int32{int32(sep)}}, nil
	case "Sequence":
		var j struct {
			Processors []json.RawMessage `json:"processors"`
		}
		if err := component("post_processor Sequence", raw, &j); err != nil {
			return pp, err
		}
		for _, r := range j.Processors {
			p, err := newPostProcessor(r)
			if err != nil {
				return pp, err
			}
			// Each processor wraps what the previous ones built.
			pp.before = append(append([]int32(nil), p.before...), pp.before...)
			pp.after = append(pp.after, p.after...)
		}
		return pp, nil
	}
	return pp, unsupported("post_processor", typ)
}
