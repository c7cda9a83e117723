package mock

import "net/http"

// serveSGLangInfo answers GET /get_server_info as SGLang's server does
// (sglang srt/entrypoints/http_server.py get_server_info): the server's
// launch arguments with "version" beside them.
func (s *Server) serveSGLangInfo(w http.ResponseWriter) {
	info := map[string]any{"version": "mock", "model_path": s.cfg.Model, "served_model_name": s.cfg.Model, "port": 30000}
	if s.engine != nil {
		info["max_running_requests"] = s.engine.maxSeqs
		info["chunked_prefill_size"] = s.engine.budget
		info["tp_size"] = s.engine.tp
	}
	writeJSON(w, http.StatusOK, info, nil)
}
