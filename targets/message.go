package targets

import "strings"

// The roles of a conversation's messages.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// A Message is one message of a conversation.
type Message struct {
	// Role is RoleSystem, RoleUser or RoleAssistant; adapters map it to
	// their protocol's names (Gemini's "model", Bedrock's assistant).
	Role string
	// Content is the message's text.
	Content string
}

// Conversation returns the request's messages: Messages when set, else the
// single user message Prompt.
func (r *Request) Conversation() []Message {
	if r.Messages != nil {
		return r.Messages
	}
	return []Message{{Role: RoleUser, Content: r.Prompt}}
}

// FlatPrompt returns the request as one prompt text, for completions-style
// APIs (OpenAI completions, TGI generate, llama.cpp /completion, Ollama
// generate, Triton, Replicate, Bedrock's text models): Prompt when Messages
// is nil, else the conversation flattened with this template, which ends
// with the cue for the next reply:
//
//	System: <system message>
//
//	User: <first user message>
//
//	Assistant: <first reply>
//
//	User: <new user message>
//
//	Assistant:
//
// Every turn repeats the previous turns' text byte for byte, so a server's
// prefix cache sees the conversation so far as a shared prefix.
func (r *Request) FlatPrompt() string {
	if r.Messages == nil {
		return r.Prompt
	}
	var b strings.Builder
	for _, m := range r.Messages {
		switch m.Role {
		case RoleSystem:
			b.WriteString("System: ")
		case RoleAssistant:
			b.WriteString("Assistant: ")
		default:
			b.WriteString("User: ")
		}
		b.WriteString(m.Content)
		b.WriteString("\n\n")
	}
	b.WriteString("Assistant:")
	return b.String()
}
