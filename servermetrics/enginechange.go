package servermetrics

import "fmt"

// An EngineChange is what Scraper.Scrape returns beside a good sample the
// first time the page's engine is not the one of the page before it: a
// server restarted as another engine behind the same URL, or a balancer
// alternating between two. Two engines' counters mean nothing taken
// together: the Scraper carries each engine's apart, and the summary
// (report.SummarizeServer) takes no counter difference across the change.
// Later changes are not told again: a balancer would change on every
// scrape. Watch emits the sample as it is, not as a failed scrape; a run
// says the error once on its log, as it says a scrape's failure.
type EngineChange struct {
	From, To string
}

func (e *EngineChange) Error() string {
	return fmt.Sprintf("server metrics: the page's engine changed from %s to %s (a server restarted as another engine behind the URL, or a balancer alternating between two): each engine's counters are kept apart and not compared across the change",
		e.From, e.To)
}

// engineChange follows the engine of a Scraper's pages.
type engineChange struct {
	last string // the engine of the last good page
	told bool   // a change was returned
}

// see takes a good page's engine and returns the change it is, the first
// time one is seen; nil otherwise.
func (c *engineChange) see(engine string) *EngineChange {
	from := c.last
	c.last = engine
	if from == "" || from == engine || c.told {
		return nil
	}
	c.told = true
	return &EngineChange{From: from, To: engine}
}
