"""The network coordinator's pages and API: the network as a whole, the commission, admitting
organisations; and the public record of the consortia an organisation has formed."""
