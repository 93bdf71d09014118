"""The books: a formed consortium's contract, the network's invoices to its client, the
client's payments, the commission, finder's fee and partners' shares falling due, payouts,
shared services' monthly fees, all in one double-entry journal (`journal`), exported to
Beancount and CSV (`exports`)."""
